using System.Net;
using System.Text.Json;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using OpenChat.Web.Storage.Fallback;
using OpenChat.Web.Tests.Chats;
using OpenChat.Web.Tests.Infrastructure;
using OpenChat.Web.Tests.Telemetry;

namespace OpenChat.Web.Tests.Storage;

/// <summary>
/// Postgres goes away (a private cluster, <c>pg_ctl stop -m immediate</c>) and comes back: the app keeps working
/// on the spool, shows the banner, and replays everything into Postgres exactly once.
/// </summary>
[Trait("Category", TestCategories.Integration)]
public sealed class StorageFallbackTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Chatting_through_an_outage_ends_with_every_chat_and_message_in_Postgres_once()
    {
        await using var pg = await TempPostgres.CreateAsync();
        var connectionString = await pg.CreateDatabaseAsync("fallback");
        await using var llm = await FakeOpenRouter.StartAsync();
        await using var postHog = await FakePostHog.StartAsync();
        using var app = StartApp(connectionString, llm, postHog);
        using var guest = new GuestSession(app);

        // A reply streams on Postgres; its first part is stored there; Postgres stops in the middle of it.
        var midGate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        llm.EnqueueReply(FakeReply.Text("Hello", " through", " the outage.") with { MidGate = midGate, PauseAfterChunks = 1 });
        var first = await guest.StartChatAsync("First question");
        await WaitUntilAsync(async () => await ScalarAsync<string?>(connectionString,
            "select content from messages where chat_id = @first and role = 'assistant' and status = 'streaming'", new { first }) == "Hello");
        await pg.StopAsync();
        midGate.SetResult();
        await postHog.WaitForEventAsync(e => e.Event == "chat_message_stream" && e.Property("chat_id") == first.ToString("D"), Wait);

        // Degraded, on the spool: the banner shows, /readyz says so, and the chat reads complete from the spool.
        Assert.True(app.Services.GetRequiredService<PostgresBreaker>().IsOpen);
        var ready = await ReadyAsync(app);
        Assert.Equal("degraded", ready.GetProperty("storage").GetProperty("status").GetString());
        Assert.Equal("file_fallback", ready.GetProperty("storage").GetProperty("data").GetProperty("storage_backend").GetString());
        Assert.True(ready.GetProperty("storage").GetProperty("data").GetProperty("spool_records").GetInt32() > 0);
        var during = await guest.GetDocumentAsync($"/chat/{first:D}");
        Assert.Contains(StorageBanner.Text, during.QuerySelector("#storage-banner")?.TextContent ?? string.Empty, StringComparison.Ordinal);
        Assert.Contains("First question", during.QuerySelector("#thread")?.TextContent ?? string.Empty, StringComparison.Ordinal);
        Assert.Contains("Hello through the outage.", during.QuerySelector("#thread")?.TextContent ?? string.Empty, StringComparison.Ordinal);
        await using var tab = await guest.OpenLiveStreamAsync(first);

        // Keep chatting: a new chat, another message in the first one, a rename.
        llm.EnqueueReply(FakeReply.Text("Second", " answer."));
        var second = await guest.StartChatAsync("Second chat");
        await postHog.WaitForEventAsync(e => e.Event == "chat_message_stream" && e.Property("chat_id") == second.ToString("D"), Wait);
        llm.EnqueueReply(FakeReply.Text("Third", " answer."));
        using (var followUp = await guest.PostAsync($"/chat/{first:D}", new Dictionary<string, string> { ["text"] = "Follow-up" }, currentUrl: $"/chat/{first:D}"))
        {
            Assert.True(followUp.IsSuccessStatusCode, $"follow-up: {(int)followUp.StatusCode}");
        }

        await postHog.WaitForEventAsync(e => e.Event == "chat_message_stream" && e.Property("chat_id") == first.ToString("D") && e.Property("characters") == "13", Wait);
        using (var rename = await guest.PostAsync($"/chat/{first:D}/rename", new Dictionary<string, string> { ["title"] = "Renamed offline" }, currentUrl: $"/chat/{first:D}"))
        {
            Assert.Equal(HttpStatusCode.OK, rename.StatusCode);
        }

        await WaitForFallbackUseAsync(postHog, "create", second);
        await WaitForFallbackUseAsync(postHog, "stream_flush", first);
        await WaitForFallbackUseAsync(postHog, "rename", first);

        // Postgres is back: the spool is replayed, the banner goes away in the open tab, the spool is empty.
        await pg.StartAsync();
        var reconciled = await postHog.WaitForEventAsync(e => e.Event == "workspace.fallback_reconciled", Wait);
        Assert.Equal("2", reconciled.Property("chats"));
        Assert.Equal("6", reconciled.Property("messages"));
        Assert.Equal("postgres", reconciled.Property("storage_backend"));
        await tab.WaitForAsync(e => e.Data.Contains("id=\"storage-banner\"", StringComparison.Ordinal) && e.Data.Contains("hidden", StringComparison.Ordinal), Wait);
        Assert.False(app.Services.GetRequiredService<PostgresBreaker>().IsOpen);
        Assert.False(Directory.Exists(Path.Combine(app.DataPath, Spool.FolderName)) &&
                     Directory.EnumerateFiles(Path.Combine(app.DataPath, Spool.FolderName), "*", SearchOption.AllDirectories).Any());

        await using var connection = new NpgsqlConnection(Unpooled(connectionString));
        var chats = (await connection.QueryAsync<(Guid Id, string Title)>("select id, title from chats order by created_at")).ToList();
        Assert.Equal([(first, "Renamed offline"), (second, "Second chat")], chats);
        var messages = (await connection.QueryAsync<(Guid ChatId, string Role, string Content, string Status)>(
            "select chat_id, role, content, status from messages order by chat_id = @first desc, created_at, id", new { first })).ToList();
        Assert.Equal(
            [
                (first, "user", "First question", "complete"),
                (first, "assistant", "Hello through the outage.", "complete"),
                (first, "user", "Follow-up", "complete"),
                (first, "assistant", "Third answer.", "complete"),
                (second, "user", "Second chat", "complete"),
                (second, "assistant", "Second answer.", "complete"),
            ],
            messages);

        // Back on Postgres: pages come from it, without the banner.
        var after = await guest.GetDocumentAsync($"/chat/{first:D}");
        Assert.True(after.QuerySelector("#storage-banner")?.HasAttribute("hidden"));
        Assert.Contains("Third answer.", after.QuerySelector("#thread")?.TextContent ?? string.Empty, StringComparison.Ordinal);
        Assert.Equal("healthy", (await ReadyAsync(app)).GetProperty("storage").GetProperty("status").GetString());
        foreach (var e in postHog.Events.Where(e => e.Event.StartsWith("workspace.fallback", StringComparison.Ordinal)))
        {
            TelemetryHarness.AssertWellFormed(e, storageBackend: e.Event == "workspace.fallback_reconciled" ? "postgres" : "file_fallback");
        }
    }

    [Fact]
    public async Task Starts_on_the_spool_when_Postgres_is_down_then_migrates_and_reconciles_when_it_answers()
    {
        await using var pg = await TempPostgres.CreateAsync();
        var connectionString = await pg.CreateDatabaseAsync("coldstart");
        await using var llm = await FakeOpenRouter.StartAsync();
        await using var postHog = await FakePostHog.StartAsync();
        await pg.StopAsync();
        using var app = StartApp(connectionString, llm, postHog);
        using var guest = new GuestSession(app);

        Assert.Equal("degraded", (await ReadyAsync(app)).GetProperty("storage").GetProperty("status").GetString());
        llm.EnqueueReply(FakeReply.Text("Spooled", " reply."));
        var chat = await guest.StartChatAsync("Asked while the database was down");
        await postHog.WaitForEventAsync(e => e.Event == "chat_message_stream" && e.Property("chat_id") == chat.ToString("D"), Wait);
        var page = await guest.GetDocumentAsync($"/chat/{chat:D}");
        Assert.False(page.QuerySelector("#storage-banner")!.HasAttribute("hidden"));

        // Accounts need Postgres: a clear 503, not a crash.
        using (var signUp = await guest.PostAsync("/account/sign-up", new Dictionary<string, string> { ["name"] = "Ada", ["email"] = "ada@example.com", ["password"] = "correct horse battery staple" }))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, signUp.StatusCode);
            Assert.Contains("database is unavailable", await signUp.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
        }

        await pg.StartAsync();
        await postHog.WaitForEventAsync(e => e.Event == "workspace.fallback_reconciled", Wait);

        await using var connection = new NpgsqlConnection(Unpooled(connectionString));
        Assert.Equal(Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "sql"), "*.sql").Length,
            await connection.ExecuteScalarAsync<int>("select count(*) from schema_migrations"));
        Assert.Equal("Asked while the database was down", await connection.ExecuteScalarAsync<string>("select title from chats where id = @chat", new { chat }));
        Assert.Equal(["Asked while the database was down", "Spooled reply."],
            (await connection.QueryAsync<string>("select content from messages where chat_id = @chat order by created_at", new { chat })).ToList());
        // The key ring made during the outage went to Postgres too, so the guest's cookie still opens the chat.
        Assert.True(await connection.ExecuteScalarAsync<int>("select count(*) from data_protection_keys") >= 1);
        var after = await guest.GetDocumentAsync($"/chat/{chat:D}");
        Assert.Contains("Spooled reply.", after.QuerySelector("#thread")?.TextContent ?? string.Empty, StringComparison.Ordinal);
        Assert.True(after.QuerySelector("#storage-banner")!.HasAttribute("hidden"));
    }

    private static Task<ReceivedEvent> WaitForFallbackUseAsync(FakePostHog postHog, string operation, Guid chatId) =>
        postHog.WaitForEventAsync(e => e.Event == "workspace.fallback_storage_used" && e.Property("operation") == operation && e.Property("chat_id") == chatId.ToString("D"), Wait);

    private static AppHost StartApp(string connectionString, FakeOpenRouter llm, FakePostHog postHog) => new AppHost(new Dictionary<string, string?>
    {
        ["ConnectionStrings:Postgres"] = connectionString,
        ["Storage:ProbeIntervalSeconds"] = "0.1",
        ["OpenRouter:BaseUrl"] = llm.BaseUrl.ToString(),
        ["OpenRouter:ApiKey"] = llm.ValidKey,
        ["PostHog:Host"] = postHog.BaseUrl.ToString(),
        ["PostHog:ApiKey"] = "phc_test",
        ["PostHog:FlushInterval"] = "00:00:00.100",
        ["Limits:GuestDailyReplies"] = "1000",
    }).Start();

    private static async Task<JsonElement> ReadyAsync(AppHost app)
    {
        using var client = app.CreateHttpClient();
        using var response = await client.GetAsync(new Uri("/readyz", UriKind.Relative));
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }

    private static async Task<T?> ScalarAsync<T>(string connectionString, string sql, object parameters)
    {
        await using var connection = new NpgsqlConnection(Unpooled(connectionString));
        return await connection.ExecuteScalarAsync<T>(sql, parameters);
    }

    /// <summary>The test's own connections must not outlive the server in a pool across the restart.</summary>
    private static string Unpooled(string connectionString) => new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString;

    /// <summary>Polls a condition until it holds (or fails after <see cref="Wait"/>).</summary>
    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        using var deadline = new CancellationTokenSource(Wait);
        while (!await condition())
        {
            await Task.Delay(20, deadline.Token);
        }
    }
}
