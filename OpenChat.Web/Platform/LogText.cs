using System.Buffers;

namespace OpenChat.Web.Platform;

/// <summary>
/// Makes a value that came from a request safe to put in a log message: control characters (line breaks, escape sequences,
/// NUL), Unicode line and paragraph separators and bidirectional controls each become <c>?</c>, so a request can neither
/// forge a log line nor disguise or recolour one. Use it for every request value a log message carries.
/// </summary>
public static class LogText
{
    private static readonly SearchValues<char> Breaking = SearchValues.Create(
        string.Concat(Enumerable.Range(0, 0x20).Concat(Enumerable.Range(0x7F, 0x21)).Select(c => (char)c)) +
        "\u2028\u2029\u200E\u200F\u202A\u202B\u202C\u202D\u202E\u2066\u2067\u2068\u2069");

    public static string Clean(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return string.Empty;
        }

        if (!value.AsSpan().ContainsAny(Breaking))
        {
            return value;
        }

        return string.Create(value.Length, value, static (span, source) =>
        {
            for (var i = 0; i < source.Length; i++)
            {
                span[i] = Breaking.Contains(source[i]) ? '?' : source[i];
            }
        });
    }
}
