using System.Net;
using AngleSharp.Html.Parser;
using OpenChat.Web.Tests.Infrastructure;

namespace OpenChat.Web.Tests.Chats;

/// <summary>The sidebar's search over HTTP: results as fragments, links that open the page holding an old message.</summary>
[Trait("Category", TestCategories.Integration)]
public sealed class SearchTests(PostgresChatApp app) : IClassFixture<PostgresChatApp>
{
    private static async Task<Guid> ImportLongChatAsync(GuestSession guest, int count, int needleAt, string needle)
    {
        var start = DateTimeOffset.UtcNow.AddDays(-2);
        var turns = Enumerable.Range(1, count).Select(i => new ExportDocument.Turn(
            i % 2 == 1 ? "user" : "assistant",
            i == needleAt ? $"Message {i} mentions the {needle} once." : $"Message {i} about nothing in particular.",
            start.AddSeconds(i)));
        return await guest.ImportChatAsync(ExportDocument.Of("Long thread", "openai/gpt-4o-mini", turns));
    }

    [Fact]
    public async Task A_word_from_an_old_message_links_to_a_page_that_shows_it()
    {
        using var guest = new GuestSession(app.Host);
        var chatId = await ImportLongChatAsync(guest, 300, 100, "quetzalcoatl");

        using var response = await guest.GetAsync("/chat/search?q=quetzal", htmx: true);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var results = new HtmlParser().ParseDocument("<ul>" + await response.Content.ReadAsStringAsync() + "</ul>");
        var link = Assert.Single(results.QuerySelectorAll("a.search-link"));
        Assert.Equal("Long thread", link.QuerySelector(".search-title")!.TextContent);
        Assert.Equal("quetzalcoatl", link.QuerySelector(".search-snippet mark")!.TextContent);
        var href = link.GetAttribute("href")!;
        Assert.StartsWith($"/chat/{chatId:D}?around=", href, StringComparison.Ordinal);
        var anchor = href[(href.IndexOf('#', StringComparison.Ordinal) + 1)..];

        var newest = await guest.GetDocumentAsync($"/chat/{chatId:D}");
        Assert.Null(newest.GetElementById(anchor));
        var page = await guest.GetDocumentAsync(href[..href.IndexOf('#', StringComparison.Ordinal)]);
        Assert.Contains("quetzalcoatl", page.GetElementById(anchor)!.TextContent, StringComparison.Ordinal);
        Assert.Equal(anchor, page.QuerySelectorAll("#thread article")[^1].Id);
        Assert.NotNull(page.QuerySelector("#thread .thread-older"));
        Assert.Equal($"/chat/{chatId:D}", page.QuerySelector(".thread-newer a")!.GetAttribute("href"));
    }

    [Fact]
    public async Task A_recent_message_opens_the_newest_page()
    {
        using var guest = new GuestSession(app.Host);
        var chatId = await ImportLongChatAsync(guest, 10, 9, "ocelot");

        using var response = await guest.GetAsync("/chat/search?q=ocelot", htmx: true);
        var href = new HtmlParser().ParseDocument("<ul>" + await response.Content.ReadAsStringAsync() + "</ul>").QuerySelector("a.search-link")!.GetAttribute("href")!;
        var page = await guest.GetDocumentAsync(href[..href.IndexOf('#', StringComparison.Ordinal)]);

        Assert.Equal(10, page.QuerySelectorAll("#thread article").Length);
        Assert.Null(page.QuerySelector(".thread-newer"));
    }

    [Fact]
    public async Task An_empty_query_gives_back_the_list_and_nothing_matches_says_so()
    {
        using var guest = new GuestSession(app.Host);
        await ImportLongChatAsync(guest, 4, 2, "armadillo");

        using var empty = await guest.GetAsync("/chat/search?q=%20%20", htmx: true);
        using var none = await guest.GetAsync("/chat/search?q=xylophone", htmx: true);

        Assert.Equal(HttpStatusCode.OK, empty.StatusCode);
        Assert.Equal(string.Empty, await empty.Content.ReadAsStringAsync());
        Assert.Contains("No matches", await none.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Search_is_scoped_to_the_owner()
    {
        using var owner = new GuestSession(app.Host);
        using var stranger = new GuestSession(app.Host);
        await ImportLongChatAsync(owner, 4, 2, "pangolin");
        await ImportLongChatAsync(stranger, 4, 3, "narwhal");

        using var response = await stranger.GetAsync("/chat/search?q=pangolin", htmx: true);

        Assert.Contains("No matches", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Query_syntax_is_only_ever_words()
    {
        using var guest = new GuestSession(app.Host);
        await ImportLongChatAsync(guest, 4, 2, "wombat");

        foreach (var q in new[] { "wombat' or 1=1 --", "wombat & !", "(wombat:*) | x", "wom\\bat" })
        {
            using var response = await guest.GetAsync("/chat/search?q=" + Uri.EscapeDataString(q), htmx: true);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        using var injected = await guest.GetAsync("/chat/search?q=" + Uri.EscapeDataString("wombat' or 1=1 --"), htmx: true);
        Assert.Contains("No matches", await injected.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using var punctuated = await guest.GetAsync("/chat/search?q=" + Uri.EscapeDataString("(wombat:*)"), htmx: true);
        Assert.Contains("<mark>wombat</mark>", await punctuated.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_query_that_is_too_long_is_refused_with_a_message()
    {
        using var guest = new GuestSession(app.Host);

        using var response = await guest.GetAsync("/chat/search?q=" + new string('a', 201), htmx: true);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("at most 200 characters", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_javascript_the_search_is_a_page()
    {
        using var guest = new GuestSession(app.Host);
        await ImportLongChatAsync(guest, 4, 2, "capybara");

        var page = await guest.GetDocumentAsync("/chat/search?q=capybara");

        Assert.Equal("capybara", page.QuerySelector(".settings .search-results mark")!.TextContent);
        Assert.Equal("capybara", page.QuerySelector("#search-page-q")!.GetAttribute("value"));
    }
}
