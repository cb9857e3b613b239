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

    private static AngleSharp.Dom.IElement Parse(string html) =>
        new HtmlParser().ParseDocument("<body>" + html + "</body>").Body!;
}
