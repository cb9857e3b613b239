using System.Net;
using AngleSharp.Html.Parser;
using OpenChat.Web.Tests.Infrastructure;

namespace OpenChat.Web.Tests.Chats;

/// <summary>
/// Import files that used to end in a 500 on Postgres (issue 12, item 13): each is refused with a sentence
/// saying what is wrong, nothing is imported, and the database stays in use for everyone.
/// </summary>
[Trait("Category", TestCategories.Integration)]
public sealed class ImportRefusalTests(PostgresChatApp app) : IClassFixture<PostgresChatApp>
{
    private const string Head = "{\"format\":\"openchat.export\",\"version\":1,\"chats\":[{\"title\":\"Hostile\",\"messages\":[";

    [Theory]
    [InlineData("{\"role\":\"user\",\"content\":\"a\",\"created_at\":\"9999-12-31T23:59:59.9999999+00:00\"}", "time")]
    [InlineData("{\"role\":\"user\",\"content\":\"a\",\"created_at\":\"0001-01-01T00:00:00+00:00\"},{\"role\":\"user\",\"content\":\"b\",\"created_at\":\"0001-01-01T00:00:00+00:00\"}", "time")]
    [InlineData("{\"role\":\"user\",\"content\":\"half a pair \\ud800 here\"}", "cannot be stored")]
    [InlineData("{\"role\":\"assistant\",\"content\":\"a NUL \\u0000 here\"}", "cannot be stored")]
    public async Task A_file_with_text_or_times_the_database_cannot_hold_is_refused_with_a_reason(string messages, string reason)
    {
        using var guest = new GuestSession(app.Host);

        using var response = await guest.ImportAsync(Head + messages + "]}]}");

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var page = new HtmlParser().ParseDocument(await response.Content.ReadAsStringAsync());
        Assert.Contains(reason, page.QuerySelector("#data [role='alert']")!.TextContent, StringComparison.Ordinal);
        Assert.Empty((await guest.GetDocumentAsync("/chat")).QuerySelectorAll("#chat-list .chat-item"));
    }

    [Fact]
    public async Task A_title_with_half_a_surrogate_pair_is_refused()
    {
        using var guest = new GuestSession(app.Host);

        using var response = await guest.ImportAsync("{\"format\":\"openchat.export\",\"version\":1,\"chats\":[{\"title\":\"bad \\udc00\",\"messages\":[]}]}");

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Contains("cannot be stored", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
