using System.Globalization;

namespace OpenChat.Web.Chats;

/// <summary>A page of a thread as articles, with the running reply shown as it stands in memory right now.</summary>
public static class ThreadMarkup
{
    public static IReadOnlyList<string> Articles(ThreadPage page, MarkdownRenderer markdown, string? antiforgeryToken, bool isNewestPage)
    {
        var articles = new List<string>(page.Messages.Count);
        var latestReplyId = isNewestPage ? page.Messages.LastOrDefault(m => m.Role == MessageRole.Assistant)?.Id : null;
        var lastId = page.Messages.Count > 0 ? page.Messages[^1].Id : (Guid?)null;
        foreach (var message in page.Messages)
        {
            MessageView view;
            if (page.RunningReply is { } run && run.ReplyId == message.Id)
            {
                view = run.ReplyView(antiforgeryToken);
            }
            else
            {
                var html = message.Role == MessageRole.Assistant ? markdown.RenderFinished(message.Content) : string.Empty;
                view = new MessageView(message, html, null, message.Id == latestReplyId && message.Id == lastId, antiforgeryToken);
            }

            articles.Add(MessageMarkup.Article(view));
        }

        return articles;
    }

    /// <summary>The chat's heading on its page.</summary>
    public static string Title(string title, bool outOfBand = false) =>
        $"<h1 class=\"thread-title\" id=\"thread-title\"{(outOfBand ? " hx-swap-oob=\"true\"" : string.Empty)}>{Html.Encode(title)}</h1>";

    /// <summary>A renamed chat's new heading and document title, for the page showing it (htmx takes a top-level <c>&lt;title&gt;</c> from a response).</summary>
    public static string TitleOob(string title) =>
        $"{Title(title, outOfBand: true)}<title>{Html.Encode(title)} · OpenChat</title>";

    /// <summary>Where the page of older messages comes from, when there are any.</summary>
    public static string? OlderUrl(Guid chatId, ThreadPage page)
    {
        if (!page.HasOlder || page.Messages.Count == 0)
        {
            return null;
        }

        var oldest = page.Messages[0];
        return $"/chat/{chatId:D}/messages?before={KeysetPosition.Format(oldest.CreatedAt, oldest.Id)}";
    }

    /// <summary>The sentinel at the top of a thread that loads the previous page when scrolled into view.</summary>
    public static string OlderSentinel(string url) =>
        $"<div class=\"thread-older\" hx-get=\"{url}\" hx-trigger=\"revealed\" hx-swap=\"outerHTML\"><span class=\"spinner\" aria-hidden=\"true\"></span><span class=\"visually-hidden\">Loading earlier messages</span></div>";

    public static bool TryParseCursor(string? value, out MessageCursor? cursor)
    {
        cursor = null;
        if (string.IsNullOrEmpty(value))
        {
            return true;
        }

        if (!KeysetPosition.TryParse(value, out var at, out var id))
        {
            return false;
        }

        cursor = new MessageCursor(at, id);
        return true;
    }
}
