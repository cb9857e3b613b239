using System.Net;
using AngleSharp.Html.Parser;
using OpenChat.Web.Tests.Chats;
using OpenChat.Web.Tests.Infrastructure;

namespace OpenChat.Web.Tests.Platform;

/// <summary>
/// Request bodies: 64 KB unless the endpoint says more (12 MB on send). Too large is a 413 that says so (a toast for htmx,
/// the error page otherwise), never Kestrel's bare 413; text over its limit is a 422. Nothing is stored from a refusal.
/// </summary>
[Trait("Category", TestCategories.Integration)]
public sealed class InputLimitsTests(ChatFixture fixture) : IClassFixture<ChatFixture>
{
    [Fact]
    public async Task A_body_over_64_KB_is_refused_with_a_toast_for_htmx_and_the_title_is_kept()
    {
        using var guest = new GuestSession(fixture.Host);
        var chatId = await guest.StartChatAsync("Keep my title");

        using var response = await guest.PostAsync($"/chat/{chatId:D}/rename", new Dictionary<string, string> { ["title"] = new string('t', 70_000) });

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("#toasts", response.Headers.GetValues("HX-Retarget").Single());
        var toast = new HtmlParser().ParseDocument(await response.Content.ReadAsStringAsync()).QuerySelector(".toast[role=alert]")!;
        Assert.Equal("That request is too large: at most 64 KB can be sent here.", toast.TextContent.Trim());
        Assert.Equal("Keep my title", (await guest.GetDocumentAsync($"/chat/{chatId:D}")).QuerySelector("#thread-title")!.TextContent.Trim());
    }

    [Fact]
    public async Task A_body_over_64_KB_from_a_plain_form_gets_the_error_page()
    {
        using var guest = new GuestSession(fixture.Host);

        using var response = await guest.PostAsync("/settings/appearance", new Dictionary<string, string> { ["uiTheme"] = new string('d', 70_000) }, htmx: false);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        var page = new HtmlParser().ParseDocument(await response.Content.ReadAsStringAsync());
        Assert.Equal("That was too large", page.QuerySelector("h1")!.TextContent);
        Assert.Equal("That request is too large: at most 64 KB can be sent here.", page.QuerySelector(".error-page p")!.TextContent);
    }

    [Fact]
    public async Task Send_takes_bodies_past_64_KB_and_refuses_text_over_32000_characters_with_a_422()
    {
        using var guest = new GuestSession(fixture.Host);

        using var response = await guest.PostAsync("/chat", new Dictionary<string, string> { ["text"] = new string('x', 100_000) });

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Contains("longer than 32,000 characters", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Empty((await guest.GetDocumentAsync("/chat")).QuerySelectorAll("#chat-list li.chat-item"));
    }

    [Fact]
    public async Task A_send_over_12_MB_is_refused_with_a_message_the_uploading_browser_gets()
    {
        using var guest = new GuestSession(fixture.Host);
        var token = await guest.GetTokenAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/chat")
        {
            Content = new ByteArrayContent(new byte[(12 * 1024 * 1024) + 1]),
        };
        request.Content.Headers.ContentType = new("application/x-www-form-urlencoded");
        request.Headers.Add("HX-Request", "true");
        request.Headers.Add("RequestVerificationToken", token);

        using var response = await guest.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("a message with its attachments can be at most 12 MB", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Line_breaks_count_as_one_character_as_the_composer_counts_them()
    {
        using var guest = new GuestSession(fixture.Host);
        // 16,000 lines of "a" + CRLF: 48,000 characters posted, 32,000 as a person sees (and the counter shows) them.
        var text = string.Concat(Enumerable.Repeat("a\r\n", 16_000)) + "z";

        using var tooLong = await guest.PostAsync("/chat", new Dictionary<string, string> { ["text"] = text });
        using var fits = await guest.PostAsync("/chat", new Dictionary<string, string> { ["text"] = text[..^4] + "z" });

        Assert.Equal(HttpStatusCode.UnprocessableEntity, tooLong.StatusCode);
        Assert.NotEqual(HttpStatusCode.UnprocessableEntity, fits.StatusCode);
    }
}
