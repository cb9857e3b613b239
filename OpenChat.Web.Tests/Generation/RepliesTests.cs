using System.Net;
using AngleSharp.Html.Parser;
using OpenChat.Web.Tests.Chats;
using OpenChat.Web.Tests.Infrastructure;

namespace OpenChat.Web.Tests.Generation;

/// <summary>How replies end: complete with usage, stopped, upstream failures, timeouts, restarts.</summary>
[Trait("Category", TestCategories.Integration)]
public sealed class RepliesTests(ChatFixture fixture, Xunit.Abstractions.ITestOutputHelper output) : IClassFixture<ChatFixture>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task A_finished_reply_stores_text_usage_cost_and_model_and_sends_the_conversation_upstream()
    {
        using var guest = new GuestSession(fixture.Host);
        fixture.OpenRouter.EnqueueReply(FakeReply.Text("## Plan\n\n", "- one\n- two\n") with { Cost = 0.0004567m, PromptTokens = 21, CompletionTokens = 9 });
        var chatId = await guest.StartChatAsync("Make a plan");
        await ChatPagesTests.WaitUntilIdleAsync(guest, chatId);
        var request = await fixture.OpenRouter.WaitForRequestAsync(r => r.Body.Contains("Make a plan", StringComparison.Ordinal), Patience);

        var page = await guest.GetDocumentAsync($"/chat/{chatId:D}");

        var reply = page.QuerySelector("article[data-role='assistant']")!;
        Assert.Equal("Plan", reply.QuerySelector(".prose h2")!.TextContent);
        Assert.Equal(2, reply.QuerySelectorAll(".prose li").Length);
        Assert.Contains("21 in · 9 out · $0.000457", reply.QuerySelector(".msg-usage")!.TextContent, StringComparison.Ordinal);
        Assert.Equal($"Bearer {fixture.OpenRouter.ValidKey}", request.Authorization);
        Assert.Equal("openai/gpt-4o-mini", request.Model);
        Assert.True(request.Stream);
        Assert.Equal(8192, request.Json!.Value.GetProperty("max_completion_tokens").GetInt32());
        Assert.NotNull(request.Headers["HTTP-Referer"]);
    }

    [Fact]
    public async Task The_next_message_sends_the_whole_conversation_in_order()
    {
        using var guest = new GuestSession(fixture.Host);
        fixture.OpenRouter.EnqueueReply(FakeReply.Text("First answer."));
        var chatId = await guest.StartChatAsync("First question");
        await ChatPagesTests.WaitUntilIdleAsync(guest, chatId);

        using var _ = await guest.PostAsync($"/chat/{chatId:D}", new Dictionary<string, string> { ["text"] = "Second question" });
        var request = await fixture.OpenRouter.WaitForRequestAsync(r => r.Body.Contains("Second question", StringComparison.Ordinal), Patience);

        var messages = request.Json!.Value.GetProperty("messages").EnumerateArray()
            .Select(m => (m.GetProperty("role").GetString(), m.GetProperty("content").ValueKind == System.Text.Json.JsonValueKind.String
                ? m.GetProperty("content").GetString()
                : m.GetProperty("content")[0].GetProperty("text").GetString()))
            .ToList();
        Assert.Equal([("user", "First question"), ("assistant", "First answer."), ("user", "Second question")], messages);
    }

    [Theory]
    [InlineData(401, "invalid_key", "did not accept the API key")]
    [InlineData(402, "no_credits", "out of credits")]
    [InlineData(429, "rate_limited", "Try again in 7 seconds")]
    [InlineData(503, "upstream_error", "HTTP 503")]
    public async Task Upstream_failures_become_a_readable_error_reply(int status, string kind, string explanation)
    {
        using var guest = new GuestSession(fixture.Host);
        fixture.OpenRouter.EnqueueReply(FakeReply.Fail(status));
        var chatId = await guest.StartChatAsync($"Trigger {status}");
        await ChatPagesTests.WaitUntilIdleAsync(guest, chatId);

        var reply = (await guest.GetDocumentAsync($"/chat/{chatId:D}")).QuerySelector("article[data-role='assistant']")!;

        Assert.Equal("error", reply.GetAttribute("data-status"));
        Assert.Equal(kind, reply.QuerySelector(".msg-error")!.GetAttribute("data-error-kind"));
        Assert.Contains(explanation, reply.QuerySelector(".msg-error")!.TextContent, StringComparison.Ordinal);
        Assert.NotNull(reply.QuerySelector("form[action$='/retry']"));
    }

    [Fact]
    public async Task An_error_after_streaming_began_keeps_the_partial_text_and_retry_replaces_it()
    {
        using var guest = new GuestSession(fixture.Host);
        fixture.OpenRouter.EnqueueReply(FakeReply.Text("Partial ", "answer ", "never finished") with { ErrorAfterChunks = 2 });
        var chatId = await guest.StartChatAsync("Break midway");
        var replyId = await ChatPagesTests.WaitUntilIdleAsync(guest, chatId);

        var reply = (await guest.GetDocumentAsync($"/chat/{chatId:D}")).QuerySelector("article[data-role='assistant']")!;
        Assert.Equal("error", reply.GetAttribute("data-status"));
        Assert.Equal("stream_error", reply.QuerySelector(".msg-error")!.GetAttribute("data-error-kind"));
        Assert.Equal("Partial answer", reply.QuerySelector(".prose")!.TextContent.Trim());

        fixture.OpenRouter.EnqueueReply(FakeReply.Text("Whole answer."));
        using var retry = await guest.PostAsync($"/chat/{chatId:D}/messages/{replyId:D}/retry");
        Assert.Equal(HttpStatusCode.NoContent, retry.StatusCode);
        Assert.Equal(replyId, await ChatPagesTests.WaitUntilIdleAsync(guest, chatId));
        var retried = (await guest.GetDocumentAsync($"/chat/{chatId:D}")).QuerySelectorAll("article[data-role='assistant']");
        Assert.Single(retried);
        Assert.Equal("complete", retried[0].GetAttribute("data-status"));
        Assert.Equal("Whole answer.", retried[0].QuerySelector(".prose")!.TextContent.Trim());
    }

    [Fact]
    public async Task Stop_aborts_the_upstream_request_and_keeps_the_partial_text()
    {
        using var guest = new GuestSession(fixture.Host);
        var midway = new TaskCompletionSource();
        fixture.OpenRouter.EnqueueReply(FakeReply.Text("Kept ", "text ", "lost") with { MidGate = midway, PauseAfterChunks = 2 });
        var chatId = await guest.StartChatAsync("Stop me");
        var request = await fixture.OpenRouter.WaitForRequestAsync(r => r.Body.Contains("Stop me", StringComparison.Ordinal), Patience);
        var replyId = await WaitForStreamingReplyAsync(guest, chatId, "Kept text");

        var stopSentAt = DateTimeOffset.UtcNow;
        using var stop = await guest.PostAsync($"/chat/{chatId:D}/messages/{replyId:D}/stop");
        await fixture.OpenRouter.WaitForDisconnectAsync(request, Patience);
        // Reported, not asserted (a timing goal belongs to a benchmark): how long Stop took to abort the upstream request.
        output.WriteLine($"Stop → upstream abort seen by the fake within {(DateTimeOffset.UtcNow - stopSentAt).TotalMilliseconds:F1} ms");
        await ChatPagesTests.WaitUntilIdleAsync(guest, chatId);

        Assert.Equal(HttpStatusCode.NoContent, stop.StatusCode);
        var reply = (await guest.GetDocumentAsync($"/chat/{chatId:D}")).QuerySelector("article[data-role='assistant']")!;
        Assert.Equal("stopped", reply.GetAttribute("data-status"));
        Assert.Equal("Kept text", reply.QuerySelector(".prose")!.TextContent.Trim());
        Assert.True(request.ClientDisconnected);
        midway.TrySetResult();
    }

    [Fact]
    public async Task Regenerate_writes_the_latest_reply_again()
    {
        using var guest = new GuestSession(fixture.Host);
        fixture.OpenRouter.EnqueueReply(FakeReply.Text("Version one."));
        var chatId = await guest.StartChatAsync("Say something");
        var replyId = await ChatPagesTests.WaitUntilIdleAsync(guest, chatId);
        fixture.OpenRouter.EnqueueReply(FakeReply.Text("Version two."));

        using var response = await guest.PostAsync($"/chat/{chatId:D}/messages/{replyId:D}/regenerate");
        await WaitForStatusAsync(guest, chatId, "Version two.");

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
    }

    [Fact]
    public async Task An_upstream_that_goes_silent_ends_the_reply_with_a_timeout()
    {
        await using var openRouter = await FakeOpenRouter.StartAsync();
        using var host = new AppHost(new Dictionary<string, string?>
        {
            ["OpenRouter:BaseUrl"] = openRouter.BaseUrl.ToString(),
            ["OpenRouter:ApiKey"] = openRouter.ValidKey,
            ["OpenRouter:UpstreamIdleTimeout"] = "00:00:01",
        }).Start();
        using var guest = new GuestSession(host);
        var never = new TaskCompletionSource();
        openRouter.EnqueueReply(FakeReply.Text("Started ", "then silence") with { MidGate = never, PauseAfterChunks = 1 });

        var chatId = await guest.StartChatAsync("Hello?");
        await ChatPagesTests.WaitUntilIdleAsync(guest, chatId);

        var reply = (await guest.GetDocumentAsync($"/chat/{chatId:D}")).QuerySelector("article[data-role='assistant']")!;
        Assert.Equal("error", reply.GetAttribute("data-status"));
        Assert.Equal("timeout", reply.QuerySelector(".msg-error")!.GetAttribute("data-error-kind"));
        // On a loaded machine the first chunk may itself come later than the timeout; either way nothing is invented.
        Assert.Contains(reply.QuerySelector(".prose")!.TextContent.Trim(), new[] { "Started", string.Empty });
        never.TrySetResult();
    }

    [Fact]
    public async Task A_reply_cut_off_by_a_restart_is_interrupted_with_its_partial_text_and_retry_works()
    {
        await using var openRouter = await FakeOpenRouter.StartAsync();
        var dataPath = Directory.CreateTempSubdirectory("openchat-restart-").FullName;
        var settings = new Dictionary<string, string?>
        {
            ["OpenRouter:BaseUrl"] = openRouter.BaseUrl.ToString(),
            ["OpenRouter:ApiKey"] = openRouter.ValidKey,
            ["Storage:DataPath"] = dataPath,
        };
        try
        {
            Guid chatId;
            Guid replyId;
            var midway = new TaskCompletionSource();
            openRouter.EnqueueReply(FakeReply.Text("Half ", "of it", " and the rest") with { MidGate = midway, PauseAfterChunks = 2 });
            CookieContainer cookies;
            using (var first = new AppHost(settings).Start())
            {
                using var guest = new GuestSession(first);
                chatId = await guest.StartChatAsync("Survive a restart");
                replyId = await WaitForStreamingReplyAsync(guest, chatId, "Half of it");
                cookies = guest.Cookies;
            }

            midway.TrySetResult();
            using var second = new AppHost(settings).Start();
            using var resumed = new GuestSession(second, cookies);

            var reply = (await resumed.GetDocumentAsync($"/chat/{chatId:D}")).QuerySelector("article[data-role='assistant']")!;
            Assert.Equal("interrupted", reply.GetAttribute("data-status"));
            Assert.Equal("Half of it", reply.QuerySelector(".prose")!.TextContent.Trim());

            openRouter.EnqueueReply(FakeReply.Text("Complete answer."));
            using var retry = await resumed.PostAsync($"/chat/{chatId:D}/messages/{replyId:D}/retry");
            Assert.Equal(HttpStatusCode.NoContent, retry.StatusCode);
            await WaitForStatusAsync(resumed, chatId, "Complete answer.");
        }
        finally
        {
            Directory.Delete(dataPath, recursive: true);
        }
    }

    private static async Task<Guid> WaitForStreamingReplyAsync(GuestSession guest, Guid chatId, string partial)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            var reply = (await guest.GetDocumentAsync($"/chat/{chatId:D}")).QuerySelector("article[data-role='assistant']");
            if (reply is not null && reply.GetAttribute("data-status") == "streaming" && reply.TextContent.Contains(partial, StringComparison.Ordinal))
            {
                return Guid.ParseExact(reply.Id!["m-".Length..], "N");
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"No streaming reply containing '{partial}' appeared.");
            }

            await Task.Delay(50);
        }
    }

    private static async Task WaitForStatusAsync(GuestSession guest, Guid chatId, string text)
    {
        await ChatPagesTests.WaitUntilIdleAsync(guest, chatId);
        var reply = (await guest.GetDocumentAsync($"/chat/{chatId:D}")).QuerySelector("article[data-role='assistant']")!;
        Assert.Equal("complete", reply.GetAttribute("data-status"));
        Assert.Equal(text, new HtmlParser().ParseDocument(reply.QuerySelector(".prose")!.InnerHtml).Body!.TextContent.Trim());
    }
}
