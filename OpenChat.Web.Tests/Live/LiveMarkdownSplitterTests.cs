using System.Text;
using OpenChat.Web.Live;
using OpenChat.Web.Tests.Infrastructure;

namespace OpenChat.Web.Tests.Live;

[Trait("Category", TestCategories.Unit)]
public sealed class LiveMarkdownSplitterTests
{
    [Fact]
    public void A_blank_line_finishes_a_block()
    {
        var (splitter, text) = Feed("First paragraph\n", "\nSecond par");

        Assert.Equal("First paragraph\n\n".Length, splitter.CommittedLength);
        Assert.Equal("Second par", text.ToString(splitter.CommittedLength, text.Length - splitter.CommittedLength));
    }

    [Fact]
    public void Blank_lines_inside_a_fenced_code_block_do_not_split_it_and_its_closing_fence_finishes_it()
    {
        var (splitter, text) = Feed("```python\nx = 1\n\n", "y = 2\n");
        Assert.Equal(0, splitter.CommittedLength);

        text.Append("```\n");
        splitter.Advance(text);
        Assert.Equal(text.Length, splitter.CommittedLength);
    }

    [Fact]
    public void A_longer_fence_is_only_closed_by_one_at_least_as_long()
    {
        var (splitter, _) = Feed("````\n```\n\nstill code\n");

        Assert.Equal(0, splitter.CommittedLength);
    }

    [Fact]
    public void Text_split_at_any_point_gives_the_same_cut_as_text_fed_at_once()
    {
        const string reply = "# Title\n\nA paragraph with `code`.\n\n- one\n- two\n\n```js\nlet a = 1;\n\nlet b = 2;\n```\nAfter the fence\n\nTail without end";
        var (whole, _) = Feed(reply);

        for (var size = 1; size <= 7; size++)
        {
            var chunks = Enumerable.Range(0, (reply.Length + size - 1) / size).Select(i => reply.Substring(i * size, Math.Min(size, reply.Length - i * size))).ToArray();
            var (piecewise, _) = Feed(chunks);
            Assert.Equal(whole.CommittedLength, piecewise.CommittedLength);
        }

        Assert.Equal(reply.IndexOf("Tail", StringComparison.Ordinal), whole.CommittedLength);
    }

    private static (LiveMarkdownSplitter Splitter, StringBuilder Text) Feed(params string[] chunks)
    {
        var splitter = new LiveMarkdownSplitter();
        var text = new StringBuilder();
        foreach (var chunk in chunks)
        {
            text.Append(chunk);
            splitter.Advance(text);
        }

        return (splitter, text);
    }
}
