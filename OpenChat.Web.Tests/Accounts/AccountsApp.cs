using OpenChat.Web.Tests.Infrastructure;

namespace OpenChat.Web.Tests.Accounts;

/// <summary>The app on its file store with the operator key pointed at a fake OpenRouter (so guests can chat), shared by a test class.</summary>
public sealed class AccountsApp : IAsyncLifetime
{
    public FakeOpenRouter OpenRouter { get; private set; } = null!;

    public AppHost Host { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        OpenRouter = await FakeOpenRouter.StartAsync();
        Host = new AppHost(Settings(OpenRouter)).Start();
    }

    public static Dictionary<string, string?> Settings(FakeOpenRouter openRouter) => new()
    {
        ["OpenRouter:BaseUrl"] = openRouter.BaseUrl.ToString(),
        ["OpenRouter:ApiKey"] = openRouter.ValidKey,
    };

    public async Task DisposeAsync()
    {
        Host.Dispose();
        await OpenRouter.DisposeAsync();
    }
}

/// <summary>Unique emails per test, so tests sharing an app never collide.</summary>
public static class TestEmails
{
    public static string New(string name) => $"{name}-{Guid.NewGuid():N}@example.com";
}
