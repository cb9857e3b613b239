using System.Net;
using AngleSharp.Dom;
using AngleSharp.Html.Parser;
using OpenChat.Web.Tests.Infrastructure;

namespace OpenChat.Web.Tests.Pages;

[Trait("Category", TestCategories.Integration)]
public sealed class LandingPageTests(FileBackedApp app) : IClassFixture<FileBackedApp>
{
    [Fact]
    public async Task Landing_has_title_description_and_social_cards()
    {
        var page = await GetPageAsync("/");

        Assert.Contains("OpenChat", page.Title, StringComparison.Ordinal);
        Assert.False(string.IsNullOrWhiteSpace(Meta(page, "name", "description")));
        Assert.False(string.IsNullOrWhiteSpace(Meta(page, "property", "og:title")));
        Assert.False(string.IsNullOrWhiteSpace(Meta(page, "property", "og:description")));
        Assert.False(string.IsNullOrWhiteSpace(Meta(page, "property", "og:image")));
        Assert.False(string.IsNullOrWhiteSpace(Meta(page, "name", "twitter:card")));
        Assert.Single(page.QuerySelectorAll("h1"));
    }

    [Fact]
    public async Task Hero_ctas_lead_to_the_chat_and_to_a_real_demo_section_and_carry_tracking_ids()
    {
        var page = await GetPageAsync("/");

        var tryIt = Assert.Single(page.QuerySelectorAll("a[data-cta-id='hero_try_openchat']"));
        Assert.Equal("/chat", tryIt.GetAttribute("href"));
        Assert.Equal("marketing.cta_clicked", tryIt.GetAttribute("data-track"));
        Assert.Equal("Try OpenChat", tryIt.TextContent.Trim());

        var demo = Assert.Single(page.QuerySelectorAll("a[data-cta-id='hero_request_demo']"));
        Assert.Equal("#demo", demo.GetAttribute("href"));
        Assert.Equal("marketing.cta_clicked", demo.GetAttribute("data-track"));
        Assert.Equal("Request a demo", demo.TextContent.Trim());

        var section = page.GetElementById("demo");
        Assert.NotNull(section);
        var contact = section.QuerySelector("a[href^='mailto:'], form[method='post']");
        Assert.NotNull(contact);
    }

    [Fact]
    public async Task Footer_links_to_the_privacy_page_which_renders()
    {
        var page = await GetPageAsync("/");

        Assert.NotNull(page.QuerySelector("footer a[href='/privacy']"));
        var privacy = await GetPageAsync("/privacy");
        Assert.Contains("Privacy", privacy.QuerySelector("h1")!.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Layout_configures_htmx_safely_and_app_pages_send_the_antiforgery_header()
    {
        var page = await GetPageAsync("/");

        var config = Meta(page, "name", "htmx-config");
        Assert.Contains("\"allowEval\":false", config, StringComparison.Ordinal);
        Assert.Contains("\"allowScriptTags\":false", config, StringComparison.Ordinal);
        Assert.Contains("\"historyCacheSize\":0", config, StringComparison.Ordinal);
        Assert.Equal("true", page.Body!.GetAttribute("hx-boost"));
        Assert.Empty(page.QuerySelectorAll("[hx-headers]"));
        Assert.Contains(page.QuerySelectorAll("script[src]"), s => s.GetAttribute("src")!.StartsWith("/lib/htmx/htmx-ext-sse.min.js?v=", StringComparison.Ordinal));

        // App pages send the antiforgery token with every htmx request, from inside <body> so boosted navigations refresh it.
        var chat = await GetPageAsync("/chat");
        var shell = chat.QuerySelector(".app-shell[hx-headers]");
        Assert.NotNull(shell);
        Assert.Matches("^\\{\"RequestVerificationToken\":\"[A-Za-z0-9_-]{40,}\"\\}$", shell.GetAttribute("hx-headers"));
        Assert.Equal("blue", page.DocumentElement.GetAttribute("data-brand-theme"));
        Assert.Empty(page.QuerySelectorAll("script:not([src])"));
        Assert.Empty(page.QuerySelectorAll("[style]"));
        Assert.Empty(page.QuerySelectorAll("style"));
    }

    [Fact]
    public async Task Static_assets_are_versioned_cached_for_a_year_and_compressed()
    {
        var page = await GetPageAsync("/");
        var assets = page.QuerySelectorAll("link[rel='stylesheet'], script[src]")
            .Select(e => e.GetAttribute("href") ?? e.GetAttribute("src")!)
            .ToList();

        Assert.Contains(assets, a => a.StartsWith("/lib/htmx/htmx.min.js?v=", StringComparison.Ordinal));
        Assert.Contains(assets, a => a.StartsWith("/css/app.css?v=", StringComparison.Ordinal));
        using var client = app.Host.CreateHttpClient();
        foreach (var asset in assets)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, asset);
            request.Headers.AcceptEncoding.ParseAdd("gzip");
            using var response = await client.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Contains("immutable", response.Headers.CacheControl!.ToString(), StringComparison.Ordinal);
            Assert.Equal(TimeSpan.FromDays(365), response.Headers.CacheControl.MaxAge);
            Assert.Contains("gzip", response.Content.Headers.ContentEncoding);
        }
    }

    [Fact]
    public async Task Chat_placeholder_renders_inside_the_layout_with_a_sidebar()
    {
        var page = await GetPageAsync("/chat");

        Assert.NotNull(page.QuerySelector("header"));
        Assert.NotNull(page.QuerySelector("main"));
        Assert.NotNull(page.QuerySelector("aside, nav[aria-label]"));
        Assert.NotNull(page.QuerySelector("textarea"));
    }

    [Fact]
    public async Task Unknown_page_answers_404_with_a_page_a_person_understands()
    {
        using var client = app.Host.CreateHttpClient();
        using var response = await client.GetAsync(new Uri("/definitely/not/here", UriKind.Relative));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var page = new HtmlParser().ParseDocument(await response.Content.ReadAsStringAsync());
        Assert.Contains("couldn't find", page.QuerySelector("h1")!.TextContent, StringComparison.Ordinal);
    }

    private async Task<IDocument> GetPageAsync(string path)
    {
        using var client = app.Host.CreateHttpClient();
        using var response = await client.GetAsync(new Uri(path, UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        return new HtmlParser().ParseDocument(await response.Content.ReadAsStringAsync());
    }

    private static string Meta(IDocument page, string attribute, string name) =>
        page.QuerySelector($"meta[{attribute}='{name}']")?.GetAttribute("content") ?? string.Empty;
}
