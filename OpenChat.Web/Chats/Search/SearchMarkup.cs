using System.Text;
using OpenChat.Web.Platform;

namespace OpenChat.Web.Chats.Search;

/// <summary>Search results as sidebar list items: the chat's title and the matching text, escaped, with matches in <c>&lt;mark&gt;</c>.</summary>
public static class SearchMarkup
{
    public const int Limit = 30;

    public static string Results(IReadOnlyList<SearchHit> hits)
    {
        if (hits.Count == 0)
        {
            return "<li class=\"chat-empty empty\"><p class=\"empty-title\">No matches</p><p>Try another word.</p></li>";
        }

        var builder = new StringBuilder(hits.Count * 360);
        foreach (var hit in hits)
        {
            // A full navigation (not boosted): the browser scrolls to the message and :target highlights it.
            builder.Append("<li class=\"chat-item search-hit\"><a class=\"chat-link search-link\" hx-boost=\"false\" href=\"").Append(Link(hit)).Append("\">")
                .Append("<span class=\"search-title\">").Append(Marked(hit.MessageId is null ? hit.Snippet : SearchQuery.Clean(hit.ChatTitle))).Append("</span>");
            if (hit.MessageId is not null)
            {
                builder.Append("<span class=\"search-snippet\">").Append(Marked(hit.Snippet)).Append("</span>");
            }

            builder.Append("</a></li>");
        }

        return builder.ToString();
    }

    /// <summary>The chat, or the page of the thread that shows the message, scrolled to it.</summary>
    public static string Link(SearchHit hit) => hit.MessageId is { } messageId
        ? $"/chat/{hit.ChatId:D}?around={messageId:D}#{MessageMarkup.ArticleId(messageId)}"
        : $"/chat/{hit.ChatId:D}";

    /// <summary>Escapes the text and turns the search's mark characters into <c>&lt;mark&gt;</c> elements.</summary>
    public static string Marked(string snippet)
    {
        var builder = new StringBuilder(snippet.Length + 32);
        var open = false;
        var start = 0;
        for (var i = 0; i <= snippet.Length; i++)
        {
            var c = i < snippet.Length ? snippet[i] : '\0';
            if (i < snippet.Length && c is not (SearchQuery.MarkStart or SearchQuery.MarkEnd))
            {
                continue;
            }

            builder.Append(Html.Encode(snippet[start..i]));
            start = i + 1;
            if (c == SearchQuery.MarkStart && !open)
            {
                builder.Append("<mark>");
                open = true;
            }
            else if (c == SearchQuery.MarkEnd && open)
            {
                builder.Append("</mark>");
                open = false;
            }
        }

        if (open)
        {
            builder.Append("</mark>");
        }

        return builder.ToString();
    }
}
