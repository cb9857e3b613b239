using System.Net;
using System.Text.Json;
using Dapper;
using Microsoft.Extensions.Options;
using Npgsql;
using OpenChat.Web.Chats;
using OpenChat.Web.Storage;
using OpenChat.Web.Storage.Files;
using OpenChat.Web.Tests.Chats;
using OpenChat.Web.Tests.Infrastructure;

namespace OpenChat.Web.Tests.Instances;

/// <summary>
/// The app killed mid-reply (a child process, killed with its whole tree: no shutdown code runs): on restart the reply
/// is interrupted with the text of its last flush, and Retry works. For both stores.
/// </summary>
[Trait("Category", TestCategories.Integration)]
public sealed class CrashRecoveryTests(PostgresDatabase db) : IClassFixture<PostgresDatabase>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public Task File_store_a_reply_cut_off_by_a_kill_is_interrupted_with_its_partial_text_and_retry_works() =>
        KillMidReplyAndRecoverAsync(postgres: null);

    [Fact]
    public Task Postgres_a_reply_cut_off_by_a_kill_is_interrupted_with_its_partial_text_and_retry_works() =>
        KillMidReplyAndRecoverAsync(postgres: db.ConnectionString);

    [Fact]
    public async Task File_store_a_kill_during_a_burst_of_writes_leaves_every_file_readable()
    {
        await using var openRouter = await FakeOpenRouter.StartAsync();
        var dataPath = Directory.CreateTempSubdirectory("openchat-burst-").FullName;
        try
        {
            var settings = Settings(openRouter, postgres: null);
            settings["Generation:FlushInterval"] = "00:00:00.001"; // a write of the reply file every millisecond
            settings["Limits:GuestDailyReplies"] = "1000";
            using (var app = await AppProcess.StartAsync(dataPath, settings))
            {
                using var guest = new GuestSession(app.BaseAddress);
                var chunks = Enumerable.Range(0, 5000).Select(i => $"word{i} ").ToArray();
                for (var i = 0; i < 4; i++)
                {
                    openRouter.EnqueueReply(FakeReply.Text(chunks) with { ChunkDelay = TimeSpan.FromMilliseconds(1) });
                }

                var chats = new List<Guid>();
                for (var i = 0; i < 4; i++)
                {
                    chats.Add(await guest.StartChatAsync($"Burst {i}"));
                }

                // Every reply is streaming and being flushed: kill in the middle of it all, while more messages are being sent.
                await openRouter.WaitForRequestAsync(r => r.ChunksSent >= 200, Patience);
                var sends = chats.Select(id => guest.PostAsync($"/chat/{id:D}", new Dictionary<string, string> { ["text"] = "More" }, currentUrl: $"/chat/{id:D}")).ToList();
                app.Kill();
                foreach (var send in sends)
                {
                    try
                    {
                        (await send).Dispose();
                    }
                    catch (HttpRequestException)
                    {
                        // The app died under this request.
                    }
                }
            }

            var documents = Directory.EnumerateFiles(dataPath, "*.json", SearchOption.AllDirectories)
                .Where(path => !Path.GetFileName(path).StartsWith('.'))
                .ToList();
            Assert.NotEmpty(documents);
            foreach (var path in documents)
            {
                using var document = JsonDocument.Parse(await File.ReadAllBytesAsync(path)); // throws on a torn file
            }

            var repository = new FileChatRepository(new FileStore(Options.Create(new StorageOptions { DataPath = dataPath })));
            var messages = 0;
            foreach (var owner in Directory.EnumerateDirectories(Path.Combine(dataPath, "owners")).Select(Path.GetFileName))
            {
                var chats = await repository.ListChatsAsync(owner!, null, 100, CancellationToken.None);
                Assert.Equal(4, chats.Count);
                foreach (var chat in chats)
                {
                    var thread = await repository.ListMessagesAsync(owner!, chat.Id, null, 1000, CancellationToken.None);
                    Assert.Contains(thread, m => m.Role == MessageRole.Assistant && m.Content.StartsWith("word0 ", StringComparison.Ordinal));
                    messages += thread.Count;
                }
            }

            Assert.True(messages >= 8, $"Expected at least 8 messages, read {messages}.");
        }
        finally
        {
            Directory.Delete(dataPath, recursive: true);
        }
    }

    private static async Task KillMidReplyAndRecoverAsync(string? postgres)
    {
        await using var openRouter = await FakeOpenRouter.StartAsync();
        var dataPath = Directory.CreateTempSubdirectory("openchat-crash-").FullName;
        var settings = Settings(openRouter, postgres);
        try
        {
            var midway = new TaskCompletionSource();
            openRouter.EnqueueReply(FakeReply.Text("Half ", "of it", " and the rest") with { MidGate = midway, PauseAfterChunks = 2 });
            Guid chatId;
            CookieContainer cookies;
            using (var first = await AppProcess.StartAsync(dataPath, settings))
            {
                using var guest = new GuestSession(first.BaseAddress);
                chatId = await guest.StartChatAsync("Survive a kill");
                await WaitForStoredAsync(dataPath, postgres, chatId, "Half of it");
                cookies = guest.Cookies;
                first.Kill();
            }

            midway.TrySetResult();
            using var second = await AppProcess.StartAsync(dataPath, settings);
            using var resumed = new GuestSession(second.BaseAddress, cookies);

            // With Postgres the reply is taken for orphaned once its instance's heartbeat is older than the timeout.
            var replyId = await ChatPagesTests.WaitUntilIdleAsync(resumed, chatId);
            var reply = (await resumed.GetDocumentAsync($"/chat/{chatId:D}")).QuerySelector("article[data-role='assistant']")!;
            Assert.Equal("interrupted", reply.GetAttribute("data-status"));
            Assert.Equal("Half of it", reply.QuerySelector(".prose")!.TextContent.Trim());

            openRouter.EnqueueReply(FakeReply.Text("Complete ", "answer."));
            var requestsBefore = openRouter.ChatRequests.Count;
            using var retry = await resumed.PostAsync($"/chat/{chatId:D}/messages/{replyId:D}/retry", currentUrl: $"/chat/{chatId:D}");
            Assert.Equal(HttpStatusCode.NoContent, retry.StatusCode);
            await ChatPagesTests.WaitUntilIdleAsync(resumed, chatId);
            reply = (await resumed.GetDocumentAsync($"/chat/{chatId:D}")).QuerySelector("article[data-role='assistant']")!;
            Assert.Equal("complete", reply.GetAttribute("data-status"));
            Assert.Equal("Complete answer.", reply.QuerySelector(".prose")!.TextContent.Trim());
            Assert.Equal(requestsBefore + 1, openRouter.ChatRequests.Count);
        }
        finally
        {
            Directory.Delete(dataPath, recursive: true);
        }
    }

    private static Dictionary<string, string?> Settings(FakeOpenRouter openRouter, string? postgres)
    {
        var settings = new Dictionary<string, string?>
        {
            ["OpenRouter:BaseUrl"] = openRouter.BaseUrl.ToString(),
            ["OpenRouter:ApiKey"] = openRouter.ValidKey,
        };
        if (postgres is not null)
        {
            settings["ConnectionStrings:Postgres"] = postgres;
            settings["Instances:HeartbeatIntervalSeconds"] = "0.5";
            settings["Instances:HeartbeatTimeoutSeconds"] = "2";
        }

        return settings;
    }

    /// <summary>Waits until storage (not the running app's memory) holds the reply's partial text, as a crash would find it.</summary>
    private static async Task WaitForStoredAsync(string dataPath, string? postgres, Guid chatId, string text)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            var stored = postgres is null ? await StoredInFilesAsync(dataPath, chatId) : await StoredInPostgresAsync(postgres, chatId);
            if (stored is { Status: "streaming" } && stored.Value.Content == text)
            {
                return;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"The stored reply never read '{text}' (last: {stored}).");
            }

            await Task.Delay(50);
        }
    }

    private static async Task<(string Status, string Content)?> StoredInPostgresAsync(string connectionString, Guid chatId)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        return await connection.QuerySingleOrDefaultAsync<(string, string)?>(
            "select status, content from messages where chat_id = @chatId and role = 'assistant'", new { chatId });
    }

    private static async Task<(string Status, string Content)?> StoredInFilesAsync(string dataPath, Guid chatId)
    {
        var folder = Directory.EnumerateDirectories(Path.Combine(dataPath, "owners"), chatId.ToString(), SearchOption.AllDirectories).FirstOrDefault();
        if (folder is null)
        {
            return null;
        }

        foreach (var file in Directory.EnumerateFiles(Path.Combine(folder, "messages"), "*.json").Where(f => !Path.GetFileName(f).StartsWith('.')))
        {
            var message = await FileStore.ReadAsync<ChatMessage>(file, CancellationToken.None);
            if (message?.Role == MessageRole.Assistant)
            {
                return (message.Status.ToWireName(), message.Content);
            }
        }

        return null;
    }
}
