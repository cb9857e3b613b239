using System.Text.Encodings.Web;
using System.Text.Unicode;

namespace OpenChat.Web.Platform;

/// <summary>HTML encoding that escapes markup characters but keeps every language's letters readable (no &amp;#x...; bloat).</summary>
public static class Html
{
    private static readonly HtmlEncoder Encoder = HtmlEncoder.Create(UnicodeRanges.All);

    public static string Encode(string? value) => string.IsNullOrEmpty(value) ? string.Empty : Encoder.Encode(value);
}
