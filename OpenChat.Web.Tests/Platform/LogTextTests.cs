using OpenChat.Web.Tests.Infrastructure;
using OpenChat.Web.Platform;

namespace OpenChat.Web.Tests.Platform;

[Trait("Category", TestCategories.Unit)]
public sealed class LogTextTests
{
    [Theory]
    [InlineData("script-src\nCritical Forged", "script-src?Critical Forged")]
    [InlineData("a\r\nb", "a??b")]
    [InlineData("\u001b[31mred", "?[31mred")]
    [InlineData("nul\0tab\tdel\u007f c1\u0085 ls\u2028 ps\u2029", "nul?tab?del? c1? ls? ps?")]
    [InlineData("rtl\u202Eevil\u2066x\u200F", "rtl?evil?x?")]
    [InlineData("", "")]
    [InlineData(null, "")]
    public void Control_and_line_breaking_characters_become_question_marks(string? value, string expected) =>
        Assert.Equal(expected, LogText.Clean(value));

    [Fact]
    public void Ordinary_text_is_returned_as_it_is()
    {
        const string Text = "https://example.com/a?b=c — ümlaut, 中文, emoji 🙂";

        Assert.Same(Text, LogText.Clean(Text));
    }
}
