namespace OpenChat.Web.Tests.Infrastructure;

/// <summary>Values for <c>[Trait("Category", ...)]</c>, so a run can pick a layer: <c>dotnet test --filter Category=Unit</c>.</summary>
public static class TestCategories
{
    /// <summary>In-process only: no sockets, no processes, no files outside a temp folder.</summary>
    public const string Unit = "Unit";

    /// <summary>Real sockets, Postgres, the app on Kestrel, fakes of OpenRouter and PostHog.</summary>
    public const string Integration = "Integration";

    /// <summary>Drives Chromium through Playwright.</summary>
    public const string Browser = "Browser";
}
