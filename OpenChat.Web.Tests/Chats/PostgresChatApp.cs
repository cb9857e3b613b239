using OpenChat.Web.Tests.Infrastructure;

namespace OpenChat.Web.Tests.Chats;

/// <summary>The app on Postgres (a fresh database) with the operator key pointed at a fake OpenRouter, shared by a test class.</summary>
public sealed class PostgresChatApp : IAsyncLifetime
{
    private readonly PostgresDatabase _database = new();

    public FakeOpenRouter OpenRouter { get; private set; } = null!;

    public AppHost Host { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await _database.InitializeAsync();
        OpenRouter = await FakeOpenRouter.StartAsync();
        Host = new AppHost(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Postgres"] = _database.ConnectionString,
            ["OpenRouter:BaseUrl"] = OpenRouter.BaseUrl.ToString(),
            ["OpenRouter:ApiKey"] = OpenRouter.ValidKey,
            ["Limits:GuestDailyReplies"] = "1000",
        }).Start();
    }

    public async Task DisposeAsync()
    {
        Host.Dispose();
        await OpenRouter.DisposeAsync();
        await _database.DisposeAsync();
    }
}
