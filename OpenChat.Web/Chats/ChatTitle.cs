using System.Text;

namespace OpenChat.Web.Chats;

/// <summary>
/// The automatic title of a chat: its first message, on one line, cut at a word boundary. The stored title never ends in
/// "…": where it does not fit, the page shows the ellipsis (CSS), so a renamed or exported title is the person's words.
/// </summary>
public static class ChatTitle
{
    public const int AutomaticLength = 60;

    public static string FromFirstMessage(string text)
    {
        var line = Collapse(text);
        if (line.Length == 0)
        {
            return Chat.DefaultTitle;
        }

        if (line.Length <= AutomaticLength)
        {
            return line;
        }

        var cut = line.LastIndexOf(' ', AutomaticLength);
        var end = cut >= AutomaticLength / 3 ? cut : AutomaticLength;
        return line[..end].TrimEnd(' ', ',', ';', ':', '-');
    }

    /// <summary>Whitespace runs (newlines included) become one space; control characters go.</summary>
    public static string Collapse(string text)
    {
        var builder = new StringBuilder(Math.Min(text.Length, 512));
        var pendingSpace = false;
        foreach (var c in text)
        {
            if (char.IsWhiteSpace(c) || char.IsControl(c))
            {
                pendingSpace = builder.Length > 0;
                continue;
            }

            if (pendingSpace)
            {
                builder.Append(' ');
                pendingSpace = false;
            }

            builder.Append(c);
        }

        return builder.ToString();
    }
}
