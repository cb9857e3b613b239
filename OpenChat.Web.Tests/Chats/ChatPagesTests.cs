using System.Net;
using AngleSharp.Html.Parser;
using OpenChat.Web.Tests.Infrastructure;

namespace OpenChat.Web.Tests.Chats;

/// <summary>The chat's HTTP surface as htmx and plain forms use it.</summary>
[Trait("Category", TestCategories.Integration)]
public sealed class ChatPagesTests(ChatFixture fixture) : IClassFixture<ChatFixture>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task Starting_a_chat_from_the_dashboard_makes_a_guest_and_navigates_to_the_thread()
    {
        using var guest = new GuestSession(fixture.Host);

        var chatId = await guest.StartChatAsync("Plan a weekend in Porto with <b>kids</b>");

        var page = await guest.GetDocumentAsync($"/chat/{chatId:D}");
        Assert.Equal("Plan a weekend in Porto with <b>kids</b>", page.QuerySelector("#thread-title")!.TextContent);
        var current = page.QuerySelector("#chat-list a[aria-current='page']")!;
        Assert.Equal($"/chat/{chatId:D}", current.GetAttribute("href"));
        Assert.Equal("Plan a weekend in Porto with <b>kids</b>", page.QuerySelector("article[data-role='user'] .msg-text")!.TextContent);
        Assert.Empty(page.QuerySelectorAll("#thread b"));
    }

    [Fact]
    public async Task Sending_in_a_thread_brings_the_question_and_the_reply_over_the_tab_stream()
    {
        using var guest = new GuestSession(fixture.Host);
        var chatId = await guest.StartChatAsync("First question");
        await WaitUntilIdleAsync(guest, chatId);
        var gate = new TaskCompletionSource();
        fixture.OpenRouter.EnqueueReply(FakeReply.Text("Second ", "answer.") with { Gate = gate });
        await using var live = await guest.OpenLiveStreamAsync(chatId);

        using var response = await guest.PostAsync($"/chat/{chatId:D}", new Dictionary<string, string> { ["text"] = "Second <question>" }, currentUrl: $"/chat/{chatId:D}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("id=\"composer-error\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var turn = await live.WaitForAsync(e => e.EventType == "oob" && e.Data.Contains("data-role=\"user\"", StringComparison.Ordinal), Patience);
        var fragment = new HtmlParser().ParseDocument("<body>" + turn.Data + "</body>");
        Assert.Equal("Second <question>", fragment.QuerySelector("article[data-role='user'] .msg-text")!.TextContent);
        var reply = fragment.QuerySelector("article[data-role='assistant']")!;
        Assert.Equal("streaming", reply.GetAttribute("data-status"));
        Assert.Contains("Stop", turn.Data, StringComparison.Ordinal);

        gate.SetResult();
        var final = await live.WaitForAsync(e => e.EventType == "oob" && e.Data.Contains("data-status=\"complete\"", StringComparison.Ordinal), Patience);
        Assert.Contains(">Send<", final.Data, StringComparison.Ordinal);
        var deltas = string.Concat(live.Received.Where(e => e.EventType == "message").Select(e => WebUtility.HtmlDecode(e.Data)));
        Assert.Equal("Second answer.", deltas);
    }

    [Fact]
    public async Task Without_javascript_sending_redirects_to_the_thread()
    {
        using var guest = new GuestSession(fixture.Host);

        using var response = await guest.PostAsync("/chat", new Dictionary<string, string> { ["text"] = "Plain form post" }, htmx: false);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var location = response.Headers.Location!.ToString();
        Assert.StartsWith("/chat/", location, StringComparison.Ordinal);
        var page = await guest.GetDocumentAsync(location);
        Assert.Equal("Plain form post", page.QuerySelector("article[data-role='user'] .msg-text")!.TextContent);
        Assert.NotNull(page.QuerySelector("article[data-role='assistant']"));
    }

    [Theory]
    [InlineData("", HttpStatusCode.UnprocessableEntity, "Type a message first.")]
    [InlineData("   \n  ", HttpStatusCode.UnprocessableEntity, "Type a message first.")]
    [InlineData(null, HttpStatusCode.UnprocessableEntity, "longer than 32,000 characters")]
    public async Task Refused_messages_answer_a_fragment_for_the_composer_and_store_nothing(string? text, HttpStatusCode status, string message)
    {
        using var guest = new GuestSession(fixture.Host);
        var chatId = await guest.StartChatAsync("Keep me");
        await WaitUntilIdleAsync(guest, chatId);

        using var response = await guest.PostAsync($"/chat/{chatId:D}", new Dictionary<string, string> { ["text"] = text ?? new string('x', 32_001) });

        Assert.Equal(status, response.StatusCode);
        Assert.Equal("#composer-error", response.Headers.GetValues("HX-Retarget").Single());
        var body = await response.Content.ReadAsStringAsync();
        Assert.Contains(message, body, StringComparison.Ordinal);
        Assert.Contains("role=\"alert\"", body, StringComparison.Ordinal);
        var page = await guest.GetDocumentAsync($"/chat/{chatId:D}");
        Assert.Single(page.QuerySelectorAll("article[data-role='user']"));
    }

    [Fact]
    public async Task A_second_message_while_a_reply_runs_is_refused_with_a_reason()
    {
        using var guest = new GuestSession(fixture.Host);
        var gate = new TaskCompletionSource();
        fixture.OpenRouter.EnqueueReply(FakeReply.Text("slow") with { Gate = gate });
        var chatId = await guest.StartChatAsync("Take your time");

        using var response = await guest.PostAsync($"/chat/{chatId:D}", new Dictionary<string, string> { ["text"] = "Hurry up" });
        gate.SetResult();

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Contains("still being written", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Other_tabs_showing_a_chat_hear_that_it_was_renamed_or_deleted()
    {
        using var guest = new GuestSession(fixture.Host);
        var chatId = await guest.StartChatAsync("Shared view");
        await WaitUntilIdleAsync(guest, chatId);
        await using var otherTab = await guest.OpenLiveStreamAsync(chatId);

        using var renamed = await guest.PostAsync($"/chat/{chatId:D}/rename", new Dictionary<string, string> { ["title"] = "Renamed <elsewhere>" });
        var heading = await otherTab.WaitForAsync(e => e.Data.Contains("id=\"thread-title\"", StringComparison.Ordinal), Patience);
        using var deleted = await guest.PostAsync($"/chat/{chatId:D}/delete");
        var gone = await otherTab.WaitForAsync(e => e.Data.Contains("This chat was deleted", StringComparison.Ordinal), Patience);

        Assert.Contains("Renamed &lt;elsewhere&gt;", heading.Data, StringComparison.Ordinal);
        Assert.Contains("disabled", gone.Data, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Posting_without_the_antiforgery_token_is_refused_and_changes_nothing()
    {
        using var guest = new GuestSession(fixture.Host);
        var chatId = await guest.StartChatAsync("Protected");
        await WaitUntilIdleAsync(guest, chatId);

        using var response = await guest.PostAsync($"/chat/{chatId:D}/rename", new Dictionary<string, string> { ["title"] = "forged" }, withToken: false);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var page = await guest.GetDocumentAsync($"/chat/{chatId:D}");
        Assert.Equal("Protected", page.QuerySelector("#thread-title")!.TextContent);
    }

    [Fact]
    public async Task Rename_returns_the_list_item_and_refuses_empty_or_long_titles_as_fragments()
    {
        using var guest = new GuestSession(fixture.Host);
        var chatId = await guest.StartChatAsync("Old title");
        var path = $"/chat/{chatId:D}/rename";

        using var tooLong = await guest.PostAsync(path, new Dictionary<string, string> { ["title"] = new string('t', 121) });
        using var empty = await guest.PostAsync(path, new Dictionary<string, string> { ["title"] = "  " });
        using var renamed = await guest.PostAsync(path, new Dictionary<string, string> { ["title"] = "  New\n<title>  " }, currentUrl: $"/chat/{chatId:D}");

        Assert.Equal(HttpStatusCode.UnprocessableEntity, tooLong.StatusCode);
        Assert.Contains("at most 120 characters", await tooLong.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, empty.StatusCode);
        Assert.Equal(HttpStatusCode.OK, renamed.StatusCode);
        var item = new HtmlParser().ParseDocument("<body><ul>" + await renamed.Content.ReadAsStringAsync() + "</ul></body>");
        Assert.Equal("New <title>", item.QuerySelector("a.chat-link")!.TextContent);
        Assert.Equal("New <title>", item.QuerySelector("#thread-title")!.TextContent);
        var page = await guest.GetDocumentAsync($"/chat/{chatId:D}");
        Assert.Equal("New <title>", page.QuerySelector("#thread-title")!.TextContent);
    }

    [Fact]
    public async Task Delete_removes_the_chat_and_its_messages()
    {
        using var guest = new GuestSession(fixture.Host);
        var keep = await guest.StartChatAsync("Keep");
        var doomed = await guest.StartChatAsync("Doomed");
        await WaitUntilIdleAsync(guest, doomed);

        using var response = await guest.PostAsync($"/chat/{doomed:D}/delete", currentUrl: $"/chat/{keep:D}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("hx-swap-oob=\"delete\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using var gone = await guest.GetAsync($"/chat/{doomed:D}");
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        var page = await guest.GetDocumentAsync($"/chat/{keep:D}");
        Assert.DoesNotContain(page.QuerySelectorAll("#chat-list a.chat-link"), a => a.TextContent == "Doomed");
    }

    [Fact]
    public async Task Without_any_openrouter_key_the_composer_invites_to_add_one_and_sending_opens_the_key_dialog()
    {
        using var host = new AppHost().Start();
        using var guest = new GuestSession(host);

        var page = await guest.GetDocumentAsync("/chat");
        using var response = await guest.PostAsync("/chat", new Dictionary<string, string> { ["text"] = "hello?" });

        Assert.Contains("Add your OpenRouter API key", page.QuerySelector("#composer-status")!.TextContent, StringComparison.Ordinal);
        Assert.Equal("/settings/keydialog", page.QuerySelector("#composer-status a[hx-get]")!.GetAttribute("hx-get"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode); // the dialog is the answer the page expects: no error in its console
        Assert.Equal("#dialog-slot", response.Headers.GetValues("HX-Retarget").Single());
        var dialog = new HtmlParser().ParseDocument(await response.Content.ReadAsStringAsync()).QuerySelector("dialog#key-dialog")!;
        Assert.Equal("Add your OpenRouter API key", dialog.QuerySelector("h2")!.TextContent);
        Assert.Equal("true", dialog.GetAttribute("data-required"));
        Assert.NotNull(dialog.QuerySelector("a[href='https://openrouter.ai/keys']"));
        Assert.Equal("send", dialog.QuerySelector("input[name=then]")!.GetAttribute("value")); // saving a key sends the waiting message
    }

    [Fact]
    public async Task Long_lists_and_threads_load_in_pages_of_fifty()
    {
        using var guest = new GuestSession(fixture.Host);
        var first = await guest.StartChatAsync("chat 0");
        await WaitUntilIdleAsync(guest, first);
        for (var i = 1; i < 55; i++)
        {
            var id = await guest.StartChatAsync($"chat {i}");
            await WaitUntilIdleAsync(guest, id);
        }

        var page = await guest.GetDocumentAsync("/chat");
        Assert.Equal(50, page.QuerySelectorAll("#chat-list a.chat-link").Length);
        var more = page.QuerySelector("#chat-list li.chat-more")!;
        Assert.Equal("revealed", more.GetAttribute("hx-trigger"));
        using var next = await guest.GetAsync(more.GetAttribute("hx-get")!, htmx: true);
        var rest = new HtmlParser().ParseDocument("<body><ul>" + await next.Content.ReadAsStringAsync() + "</ul></body>");
        Assert.Equal(5, rest.QuerySelectorAll("a.chat-link").Length);
        var links = rest.QuerySelectorAll("a.chat-link");
        Assert.Equal("chat 0", links[links.Length - 1].TextContent);
        Assert.Null(rest.QuerySelector("li.chat-more"));
    }

    /// <summary>Waits until the chat's latest reply has finished; returns its id.</summary>
    internal static async Task<Guid> WaitUntilIdleAsync(GuestSession guest, Guid chatId)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            var page = await guest.GetDocumentAsync($"/chat/{chatId:D}");
            var replies = page.QuerySelectorAll("article[data-role='assistant']");
            var reply = replies.Length > 0 ? replies[replies.Length - 1] : null;
            if (reply is not null && reply.GetAttribute("data-status") != "streaming")
            {
                return Guid.ParseExact(reply.Id!["m-".Length..], "N");
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"The reply in chat {chatId} did not finish.");
            }

            await Task.Delay(50);
        }
    }
}
