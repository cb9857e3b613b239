using AngleSharp.Html.Parser;
using OpenChat.Web.Chats;
using OpenChat.Web.Tests.Infrastructure;

namespace OpenChat.Web.Tests.Chats;

[Trait("Category", TestCategories.Unit)]
public sealed class MarkdownRendererTests
{
    private readonly MarkdownRenderer _renderer = new();

    [Fact]
    public void Headings_lists_tables_and_links_render()
    {
        var html = _renderer.Render("# Plan\n\n- one\n- two\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\nSee [docs](https://example.com/docs).");
        var root = Parse(html);

        Assert.Equal("Plan", root.QuerySelector("h1")!.TextContent);
        Assert.Equal(2, root.QuerySelectorAll("ul > li").Length);
        Assert.NotNull(root.QuerySelector("table td"));
        var link = root.QuerySelector("a")!;
        Assert.Equal("https://example.com/docs", link.GetAttribute("href"));
        Assert.Equal("noopener noreferrer nofollow", link.GetAttribute("rel"));
    }

    [Fact]
    public void Fenced_code_is_highlighted_with_classes_and_gets_a_copy_button()
    {
        var root = Parse(_renderer.Render("```csharp\nvar x = \"<b>\";\n```"));

        var block = root.QuerySelector(".code-block")!;
        Assert.Equal("csharp", block.QuerySelector(".code-lang")!.TextContent);
        Assert.Equal("code", block.QuerySelector("button")!.GetAttribute("data-copy"));
        Assert.Equal("button", block.QuerySelector("button")!.GetAttribute("type"));
        Assert.Contains("var x = \"<b>\";", block.QuerySelector("pre")!.TextContent, StringComparison.Ordinal);
        Assert.NotEmpty(block.QuerySelectorAll("pre span[class]"));
        Assert.Empty(root.QuerySelectorAll("[style]"));
    }

    [Theory]
    [InlineData("<script>alert(1)</script>")]
    [InlineData("<img src=x onerror=alert(1)>")]
    [InlineData("<div hx-get=\"/steal\" hx-trigger=\"load\">x</div>")]
    [InlineData("<a href=\"javascript:alert(1)\">click</a>")]
    [InlineData("<iframe src=\"https://evil.example\"></iframe>")]
    [InlineData("<style>body{display:none}</style>")]
    public void Raw_html_in_model_output_stays_text(string hostile)
    {
        var root = Parse(_renderer.Render($"Before {hostile} after"));

        Assert.Empty(root.QuerySelectorAll("script, img, iframe, style, [hx-get], [hx-trigger], [onerror]"));
        Assert.Contains(hostile, root.TextContent, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("[click](javascript:alert(1))")]
    [InlineData("[click](data:text/html;base64,PHNjcmlwdD4=)")]
    [InlineData("[click](vbscript:msgbox)")]
    [InlineData("[click](/account/delete)")]
    public void Links_with_other_schemes_become_plain_text(string markdown)
    {
        var root = Parse(_renderer.Render(markdown));

        Assert.Empty(root.QuerySelectorAll("a"));
        Assert.Contains("click", root.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void Images_are_not_loaded_from_model_output()
    {
        var root = Parse(_renderer.Render("![tracker](https://evil.example/pixel.png)"));

        Assert.Empty(root.QuerySelectorAll("img"));
    }

    [Fact]
    public void Mailto_links_are_kept()
    {
        var root = Parse(_renderer.Render("[mail](mailto:team@example.com)"));

        Assert.Equal("mailto:team@example.com", root.QuerySelector("a")!.GetAttribute("href"));
    }

    [Theory]
    [InlineData("[x](/account?x=1:2)")]
    [InlineData("[x](//evil.example/a:b)")]
    [InlineData("[x](/chat/live?tab=x:y)")]
    [InlineData("[x]( /settings?a=b:c )")]
    [InlineData("[x](\\\\evil.example/a:b)")]
    [InlineData("[x](https:evil.example/a)")]
    [InlineData("[x](http:/evil.example/a)")]
    [InlineData("[x](#fn:1)")]
    [InlineData("[x][r]\n\n[r]: /account?x=1:2")]
    [InlineData("[x][r]\n\n[r]: //evil.example/a:b")]
    [InlineData("<ftp://evil.example/a:b>")]
    public void Links_into_the_app_or_without_an_absolute_http_address_become_text(string markdown)
    {
        var root = Parse(_renderer.Render(markdown));

        Assert.Empty(root.QuerySelectorAll("a"));
        Assert.Contains("x", root.TextContent, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("![x](/account?x=1:2)")]
    [InlineData("![x](//evil.example/a:b)")]
    [InlineData("![x][r]\n\n[r]: /account?x=1:2")]
    public void Images_never_point_anywhere(string markdown)
    {
        var root = Parse(_renderer.Render(markdown));

        Assert.Empty(root.QuerySelectorAll("img, a, [src], [href]"));
    }

    [Theory]
    [InlineData("[x](https://example.com/a:b)", "https://example.com/a:b")]
    [InlineData("[x](HTTP://example.com/)", "http://example.com/")]
    [InlineData("<https://example.com/auto>", "https://example.com/auto")]
    [InlineData("see https://example.com/bare here", "https://example.com/bare")]
    [InlineData("[x][r]\n\n[r]: https://example.com/ref", "https://example.com/ref")]
    [InlineData("<team@example.com>", "mailto:team@example.com")]
    public void Absolute_http_and_mailto_links_stay_links(string markdown, string href)
    {
        var link = Parse(_renderer.Render(markdown)).QuerySelector("a");

        Assert.NotNull(link);
        Assert.Equal(href, link.GetAttribute("href"), ignoreCase: true);
        Assert.Equal("noopener noreferrer nofollow", link.GetAttribute("rel"));
    }

    /// <summary>Texts that nest deeper than Markdig allows (it throws): each must come back as its text, escaped.</summary>
    public static TheoryData<string> TooDeep => new()
    {
        new string('[', 5_000),
        new string('>', 5_000) + " quote",
        string.Concat(Enumerable.Repeat("*_", 3_000)),
        string.Concat(Enumerable.Repeat("![", 3_000)),
        string.Concat(Enumerable.Range(0, 200).Select(i => new string(' ', i * 2) + "- <b>item</b>\n")),
    };

    [Theory]
    [MemberData(nameof(TooDeep))]
    public void Markdown_too_deep_for_Markdig_falls_back_to_escaped_text(string markdown)
    {
        var text = "Intro <script>alert(1)</script>\n\n" + markdown;

        var live = _renderer.Render(text);
        var finished = _renderer.RenderFinished(text);

        foreach (var html in new[] { live, finished })
        {
            var root = Parse(html);
            Assert.Empty(root.QuerySelectorAll("script, b"));
            Assert.Contains("Intro <script>alert(1)</script>", root.TextContent, StringComparison.Ordinal);
        }
    }

    /// <summary>
    /// Crafted texts whose rendering grows with the square of their length (unclosed emphasis, links, footnotes) or whose
    /// output does (a pipe table with many columns and many short rows pads every row): each renders in bounded time and size.
    /// </summary>
    public static TheoryData<string, string> Crafted => new()
    {
        { "table amplification", Table(columns: 150, rows: 4_000) },
        { "carets 66 KB", Repeat("^a", 66 * 1024) },
        { "open links 66 KB", Repeat("[a](", 66 * 1024) },
        { "stars 66 KB", Repeat("*a ", 66 * 1024) },
        { "footnotes 66 KB", Repeat("[^1]", 66 * 1024) },
        { "tildes 60 KB", Repeat("~~a", 60 * 1024) },
        { "carets 60 KB", Repeat("^a", 60 * 1024) },
        { "open links 60 KB", Repeat("[a](", 60 * 1024) },
        { "grid table", "+" + Repeat("-+", 20_000) + "\n|" + Repeat(" |", 20_000) + "\n" },
    };

    [Theory]
    [MemberData(nameof(Crafted))]
    public async Task Crafted_texts_render_in_bounded_time_and_size(string name, string markdown)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var rendering = Task.Run(() => _renderer.RenderFinished(markdown));
        var finished = await Task.WhenAny(rendering, Task.Delay(TimeSpan.FromSeconds(5)));

        Assert.True(finished == rendering, $"{name}: still rendering after 5 s");
        var html = await rendering;
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(2), $"{name}: {watch.ElapsedMilliseconds} ms");
        Assert.True(html.Length <= (6 * markdown.Length) + 1024, $"{name}: {html.Length:N0} characters of HTML from {markdown.Length:N0}");
    }

    [Fact]
    public void Ordinary_long_replies_still_render_as_markdown()
    {
        var reply = string.Concat(Enumerable.Range(0, 300).Select(i => $"Paragraph {i} with **bold**, a [link](https://example.com/{i}) and `code`.\n\n")) +
                    "| a | b |\n|---|---|\n" + string.Concat(Enumerable.Range(0, 200).Select(i => $"| {i} | **{i}** |\n"));

        var root = Parse(_renderer.RenderFinished(reply));

        Assert.Equal(300, root.QuerySelectorAll("p strong").Length);
        Assert.Equal(300, root.QuerySelectorAll("a[href^='https://example.com/']").Length);
        Assert.Equal(200, root.QuerySelectorAll("table tbody tr").Length);
    }

    private static string Repeat(string unit, int length)
    {
        var builder = new System.Text.StringBuilder(length + unit.Length);
        while (builder.Length < length)
        {
            builder.Append(unit);
        }

        return builder.ToString();
    }

    private static string Table(int columns, int rows) =>
        "|" + Repeat("a|", columns * 2) + "\n|" + Repeat("-|", columns * 2) + "\n" + Repeat("|a\n", rows * 3);

    private static AngleSharp.Dom.IElement Parse(string html) =>
        new HtmlParser().ParseDocument("<body>" + html + "</body>").Body!;
}
