using System.Text;
using OpenChat.Web.Telemetry;
using OpenChat.Web.Tests.Infrastructure;

namespace OpenChat.Web.Tests.Telemetry;

/// <summary>
/// <c>docs/telemetry.md</c> is generated from <see cref="EventCatalogue.All"/>; this test fails when the two drift.
/// Regenerate with <c>UPDATE_TELEMETRY_DOCS=1 dotnet test OpenChat.Web.Tests --filter FullyQualifiedName~TelemetryDocsTests</c>.
/// </summary>
[Trait("Category", TestCategories.Unit)]
public sealed class TelemetryDocsTests
{
    public const string RegenerateVariable = "UPDATE_TELEMETRY_DOCS";

    private static string DocsPath => Path.Combine(TestPaths.RepositoryRoot, "docs", "telemetry.md");

    [Fact]
    public void Docs_telemetry_md_matches_the_event_catalogue()
    {
        var expected = Render();
        if (Environment.GetEnvironmentVariable(RegenerateVariable) == "1")
        {
            Directory.CreateDirectory(Path.GetDirectoryName(DocsPath)!);
            File.WriteAllText(DocsPath, expected, new UTF8Encoding(false));
        }

        var actual = File.Exists(DocsPath) ? File.ReadAllText(DocsPath).ReplaceLineEndings("\n") : "(missing)";
        Assert.True(actual == expected,
            $"docs/telemetry.md does not match EventCatalogue.All. Regenerate it with\n  {RegenerateVariable}=1 dotnet test OpenChat.Web.Tests --filter FullyQualifiedName~TelemetryDocsTests\n" +
            $"and commit it. Expected content:\n{expected}");
    }

    [Fact]
    public void The_rendering_lists_every_event_once_with_its_properties()
    {
        var markdown = Render();
        foreach (var e in EventCatalogue.All)
        {
            var row = Assert.Single(markdown.Split('\n'), l => l.StartsWith($"| `{e.Name}` |", StringComparison.Ordinal));
            Assert.All(e.Properties, p => Assert.Contains($"`{p}`", row, StringComparison.Ordinal));
        }

        Assert.Equal(EventCatalogue.All.Count, EventCatalogue.All.Select(e => e.Name).Distinct(StringComparer.Ordinal).Count());
    }

    /// <summary>The catalogue as Markdown, in catalogue order.</summary>
    public static string Render()
    {
        var md = new StringBuilder();
        md.Append("# Telemetry events\n\n");
        md.Append("<!-- Generated from OpenChat.Web/Telemetry/EventCatalogue.cs by OpenChat.Web.Tests/Telemetry/TelemetryDocsTests.cs. Do not edit by hand: ");
        md.Append($"change the catalogue, then run `{RegenerateVariable}=1 dotnet test OpenChat.Web.Tests --filter FullyQualifiedName~TelemetryDocsTests`. -->\n\n");
        md.Append("Every event OpenChat sends to PostHog, when, and the properties it may carry. Nothing is sent without `POSTHOG_API_KEY`, ");
        md.Append("nor for a browser that sends `DNT: 1` or `Sec-GPC: 1`, nor for someone who turned off \"Share anonymous usage data\" in Settings. ");
        md.Append("Message and title text, file names, keys, email addresses and raw IP addresses are never sent.\n\n");
        md.Append("## Super properties\n\nMerged into every event: `app` (`openchat-server` for events the server raised, `openchat-web` for events from the browser), ");
        md.Append("`app_version`, `deployment`, `environment`, `deployment_region`, `auth_state` (`member`, `guest`, `anonymous`), `workspace_id`, ");
        md.Append("`has_openrouter_key`, `model_id`, `ui_theme`, `brand_theme`, `storage_backend`. Events about a workspace carry `$groups: {\"workspace\": id}`; ");
        md.Append("anonymous visitors' and guests' events carry `$process_person_profile: false`.\n\n");
        md.Append("## Events\n\n`server`: raised by the app. `browser`: sent by the page's script through `POST /e`, which accepts only these names and ");
        md.Append("their listed properties (anything else is dropped), at most 20 events and 8 KB per request; identity and super properties are added by the server.\n\n");
        md.Append("| event | from | when | properties |\n|---|---|---|---|\n");
        foreach (var e in EventCatalogue.All)
        {
            var from = e.Source switch { EventSource.Server => "server", EventSource.Browser => "browser", _ => "server, browser" };
            var properties = e.Properties.Count == 0 ? "—" : string.Join(", ", e.Properties.Select(p => $"`{p}`"));
            md.Append($"| `{e.Name}` | {from} | {e.When.Replace("|", "\\|", StringComparison.Ordinal)} | {properties} |\n");
        }

        return md.ToString();
    }
}
