using System.Net;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using OpenChat.Web.Instances;
using OpenChat.Web.Tests.Chats;
using OpenChat.Web.Tests.Infrastructure;

namespace OpenChat.Web.Tests.Instances;

/// <summary>Two app instances on one Postgres database, as behind a load balancer: one visitor, served by either.</summary>
[Trait("Category", TestCategories.Integration)]
public sealed class TwoInstancesTests(PostgresDatabase db) : IClassFixture<PostgresDatabase>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Cookies_issued_by_one_instance_are_accepted_by_the_other()
    {
        await using var openRouter = await FakeOpenRouter.StartAsync();
        using var a = new AppHost(Settings(openRouter)).Start();
        using var guestOnA = new GuestSession(a);
        var chatId = await guestOnA.StartChatAsync("Hello from A");
        await ChatPagesTests.WaitUntilIdleAsync(guestOnA, chatId);

        using var b = new AppHost(Settings(openRouter)).Start();
        using var guestOnB = new GuestSession(b, guestOnA.Cookies);
        var page = await guestOnB.GetDocumentAsync($"/chat/{chatId:D}");
        Assert.Equal("Hello from A", page.QuerySelector("article[data-role='user'] .msg-text")!.TextContent);

        // A form B rendered (its antiforgery token) posts with A's cookies: the same visitor, the same key ring.
        using var renamed = await guestOnB.PostAsync($"/chat/{chatId:D}/rename", new Dictionary<string, string> { ["title"] = "Renamed on B" }, currentUrl: $"/chat/{chatId:D}");
        Assert.True(renamed.IsSuccessStatusCode, $"rename on B: {(int)renamed.StatusCode}");
        var onA = await guestOnA.GetDocumentAsync($"/chat/{chatId:D}");
        Assert.Equal("Renamed on B", onA.QuerySelector("#thread-title")!.TextContent.Trim());
    }

    [Fact]
    public async Task A_chat_created_on_one_instance_appears_in_the_sidebar_stream_of_the_other()
    {
        await using var openRouter = await FakeOpenRouter.StartAsync();
        using var a = new AppHost(Settings(openRouter)).Start();
        using var b = new AppHost(Settings(openRouter)).Start();
        await WaitUntilListeningAsync(b);
        using var guestOnA = new GuestSession(a);
        var first = await guestOnA.StartChatAsync("First chat");
        await ChatPagesTests.WaitUntilIdleAsync(guestOnA, first);
        using var guestOnB = new GuestSession(b, guestOnA.Cookies);
        await using var sidebarOnB = await guestOnB.OpenLiveStreamAsync(chatId: null);

        var second = await guestOnA.StartChatAsync("Second chat");

        var update = await sidebarOnB.WaitForAsync(e => e.EventType == "oob" && e.Data.Contains(second.ToString("D"), StringComparison.Ordinal), Patience);
        Assert.Contains("Second chat", update.Data, StringComparison.Ordinal);
        Assert.Contains(first.ToString("D"), update.Data, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_reply_running_on_one_instance_is_followed_live_from_the_other()
    {
        await using var openRouter = await FakeOpenRouter.StartAsync();
        using var a = new AppHost(Settings(openRouter)).Start();
        using var b = new AppHost(Settings(openRouter)).Start();
        await WaitUntilListeningAsync(b);
        var midway = new TaskCompletionSource();
        openRouter.EnqueueReply(FakeReply.Text("One ", "two ", "three.") with { MidGate = midway, PauseAfterChunks = 2 });
        using var guestOnA = new GuestSession(a);
        var chatId = await guestOnA.StartChatAsync("Count, please");
        await openRouter.WaitForRequestAsync(r => r.ChunksSent >= 2, Patience);

        using var guestOnB = new GuestSession(b, guestOnA.Cookies);
        await using var liveOnB = await guestOnB.OpenLiveStreamAsync(chatId);

        // The turn as it stands (from A's memory, relayed), then its deltas: "One two " before A's reply goes on.
        await liveOnB.WaitForAsync(e => e.EventType == "oob" && e.Data.Contains("data-role=\"user\"", StringComparison.Ordinal), Patience);
        await WaitUntilShownAsync(liveOnB, "One two");
        Assert.DoesNotContain("three.", ShownText(liveOnB), StringComparison.Ordinal);
        var pageOnB = await guestOnB.GetDocumentAsync($"/chat/{chatId:D}");
        var shown = pageOnB.QuerySelector("article[data-role='assistant']")!;
        Assert.Equal("streaming", shown.GetAttribute("data-status"));
        Assert.Contains("One two", shown.TextContent, StringComparison.Ordinal);
        Assert.NotNull(pageOnB.QuerySelector("#stop-form"));

        midway.SetResult();
        var final = await liveOnB.WaitForAsync(e => e.EventType == "oob" && e.Data.Contains("data-role=\"assistant\" data-status=\"complete\"", StringComparison.Ordinal), Patience);
        Assert.Contains("One two three.", WebUtility.HtmlDecode(final.Data), StringComparison.Ordinal);
        Assert.Contains(">Send<", final.Data, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_delta_larger_than_a_notification_reaches_the_other_instance_whole()
    {
        await using var openRouter = await FakeOpenRouter.StartAsync();
        using var a = new AppHost(Settings(openRouter)).Start();
        using var b = new AppHost(Settings(openRouter)).Start();
        await WaitUntilListeningAsync(b);
        var big = string.Concat(Enumerable.Range(0, 4000).Select(i => $"w{i} ")) + "END-OF-BIG";
        var midway = new TaskCompletionSource();
        openRouter.EnqueueReply(FakeReply.Text("Start ", big, " tail.") with { MidGate = midway, PauseAfterChunks = 2 });
        using var guestOnA = new GuestSession(a);
        var chatId = await guestOnA.StartChatAsync("A long one");
        using var guestOnB = new GuestSession(b, guestOnA.Cookies);
        await using var liveOnB = await guestOnB.OpenLiveStreamAsync(chatId);

        await WaitUntilShownAsync(liveOnB, "END-OF-BIG");

        Assert.Contains("Start " + big, ShownText(liveOnB), StringComparison.Ordinal);
        midway.SetResult();
        await liveOnB.WaitForAsync(e => e.EventType == "oob" && e.Data.Contains("data-role=\"assistant\" data-status=\"complete\"", StringComparison.Ordinal), Patience);
    }

    [Fact]
    public async Task Stop_asked_on_the_other_instance_stops_the_reply()
    {
        await using var openRouter = await FakeOpenRouter.StartAsync();
        using var a = new AppHost(Settings(openRouter)).Start();
        using var b = new AppHost(Settings(openRouter)).Start();
        await WaitUntilListeningAsync(a);
        await WaitUntilListeningAsync(b);
        var never = new TaskCompletionSource();
        openRouter.EnqueueReply(FakeReply.Text("Partial ", "text") with { MidGate = never, PauseAfterChunks = 1 });
        using var guestOnA = new GuestSession(a);
        var chatId = await guestOnA.StartChatAsync("Stop me from B");
        var request = await openRouter.WaitForRequestAsync(r => r.ChunksSent >= 1, Patience);
        var replyId = await WaitForReplyKnownAsync(b, chatId);

        using var guestOnB = new GuestSession(b, guestOnA.Cookies);
        using var stop = await guestOnB.PostAsync($"/chat/{chatId:D}/messages/{replyId:D}/stop", currentUrl: $"/chat/{chatId:D}");

        Assert.True(stop.IsSuccessStatusCode, $"stop on B: {(int)stop.StatusCode}");
        await openRouter.WaitForDisconnectAsync(request, Patience);
        await ChatPagesTests.WaitUntilIdleAsync(guestOnA, chatId);
        var reply = (await guestOnA.GetDocumentAsync($"/chat/{chatId:D}")).QuerySelector("article[data-role='assistant']")!;
        Assert.Equal("stopped", reply.GetAttribute("data-status"));
        never.TrySetResult();
    }

    [Fact]
    public async Task A_reply_on_an_instance_that_dies_becomes_interrupted_on_the_other_once_its_heartbeat_stops()
    {
        await using var openRouter = await FakeOpenRouter.StartAsync();
        var dataPath = Directory.CreateTempSubdirectory("openchat-instance-a-").FullName;
        try
        {
            var midway = new TaskCompletionSource();
            openRouter.EnqueueReply(FakeReply.Text("Half ", "of it", " and the rest") with { MidGate = midway, PauseAfterChunks = 2 });
            using var a = await AppProcess.StartAsync(dataPath, Settings(openRouter, shortHeartbeat: true));
            using var guestOnA = new GuestSession(a.BaseAddress);
            var chatId = await guestOnA.StartChatAsync("Outlive instance A");
            await WaitForStoredAsync(chatId, s => s is ("streaming", "Half of it"));

            // B starts while A writes the reply: it must leave it alone (A beats), unlike a restart of a single instance.
            using var b = new AppHost(Settings(openRouter, shortHeartbeat: true)).Start();
            Assert.Equal(("streaming", "Half of it"), await StoredReplyAsync(chatId));

            using var guestOnB = new GuestSession(b, guestOnA.Cookies);
            await using var liveOnB = await guestOnB.OpenLiveStreamAsync(chatId);
            a.Kill();
            midway.TrySetResult();

            var end = await liveOnB.WaitForAsync(e => e.EventType == "oob" && e.Data.Contains("data-role=\"assistant\" data-status=\"interrupted\"", StringComparison.Ordinal), Patience);
            Assert.Contains("Half of it", end.Data, StringComparison.Ordinal);
            Assert.Contains(">Send<", end.Data, StringComparison.Ordinal);
            Assert.Equal(("interrupted", "Half of it"), await StoredReplyAsync(chatId));
            Assert.Contains(b.LogLines, l => l.Contains("instances that stopped beating", StringComparison.Ordinal));
        }
        finally
        {
            Directory.Delete(dataPath, recursive: true);
        }
    }

    /// <param name="shortHeartbeat">
    /// Beat every half second and give up on an instance after 5 s (instead of 10 s and 30 s), so a death shows quickly;
    /// still long enough that a busy test machine delaying a beat does not pass a live instance for dead.
    /// </param>
    private Dictionary<string, string?> Settings(FakeOpenRouter openRouter, bool shortHeartbeat = false)
    {
        var settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:Postgres"] = db.ConnectionString,
            ["OpenRouter:BaseUrl"] = openRouter.BaseUrl.ToString(),
            ["OpenRouter:ApiKey"] = openRouter.ValidKey,
            ["Limits:GuestDailyReplies"] = "1000",
        };
        if (shortHeartbeat)
        {
            settings["Instances:HeartbeatIntervalSeconds"] = "0.5";
            settings["Instances:HeartbeatTimeoutSeconds"] = "5";
        }

        return settings;
    }

    /// <summary>What a tab would show of the reply: the snapshot's text and every delta after it.</summary>
    private static string ShownText(GuestSession.LiveStream live) =>
        WebUtility.HtmlDecode(string.Concat(live.Received.Select(e => e.Data)));

    /// <summary>Waits until the tab shows <paramref name="text"/>, which may already have come with an event read before.</summary>
    private static async Task WaitUntilShownAsync(GuestSession.LiveStream live, string text)
    {
        if (!ShownText(live).Contains(text, StringComparison.Ordinal))
        {
            await live.WaitForAsync(_ => ShownText(live).Contains(text, StringComparison.Ordinal), Patience);
        }
    }

    private static async Task WaitUntilListeningAsync(AppHost app)
    {
        var listener = app.Services.GetRequiredService<LiveRelayListener>();
        var deadline = DateTime.UtcNow + Patience;
        while (!listener.IsListening)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("The instance never listened for live events.");
            }

            await Task.Delay(20);
        }
    }

    private async Task<Guid> WaitForReplyKnownAsync(AppHost app, Guid chatId)
    {
        var remote = app.Services.GetRequiredService<RemoteReplies>();
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            var replyId = await ReplyIdAsync(chatId);
            if (replyId is { } id && remote.Count > 0)
            {
                return id;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("The other instance never heard of the reply.");
            }

            await Task.Delay(20);
        }
    }

    private async Task WaitForStoredAsync(Guid chatId, Func<(string Status, string Content)?, bool> condition)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            var stored = await StoredReplyAsync(chatId);
            if (condition(stored))
            {
                return;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"The stored reply never reached the expected state (last: {stored}).");
            }

            await Task.Delay(50);
        }
    }

    private async Task<(string Status, string Content)?> StoredReplyAsync(Guid chatId)
    {
        await using var connection = new NpgsqlConnection(db.ConnectionString);
        return await connection.QuerySingleOrDefaultAsync<(string, string)?>(
            "select status, content from messages where chat_id = @chatId and role = 'assistant'", new { chatId });
    }

    private async Task<Guid?> ReplyIdAsync(Guid chatId)
    {
        await using var connection = new NpgsqlConnection(db.ConnectionString);
        return await connection.QuerySingleOrDefaultAsync<Guid?>(
            "select id from messages where chat_id = @chatId and role = 'assistant' and status = 'streaming'", new { chatId });
    }
}
