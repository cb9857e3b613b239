using System.Globalization;
using System.Text;
using OpenChat.Web.Platform;

namespace OpenChat.Web.Chats;

/// <summary>
/// The sidebar's chat list items. Written in code because the same list is rendered in pages and pushed to
/// every tab of its owner when a chat is created, renamed, deleted or moves to the top.
/// </summary>
public static class ChatListMarkup
{
    public const string ListId = "chat-list";

    public static string ItemId(Guid chatId) => "c-" + chatId.ToString("N");

    /// <summary>
    /// The items of one page, grouped under Today, Yesterday, Previous 7 days and Older (UTC days, by last message), and a
    /// sentinel that loads the next page when scrolled into view. <paramref name="after"/>: where the previous page ended,
    /// so a group that goes on is not headed twice.
    /// </summary>
    public static string Items(IReadOnlyList<Chat> chats, Guid? currentChatId, bool hasMore, DateTimeOffset? after = null)
    {
        var today = DateTimeOffset.UtcNow.UtcDateTime.Date;
        var group = after is { } previous ? GroupOf(previous, today) : null;
        var builder = new StringBuilder(chats.Count * 420 + 200);
        if (chats.Count == 0 && !hasMore)
        {
            builder.Append("<li class=\"chat-empty empty\"><p class=\"empty-title\">No chats yet</p><p>Your conversations will show up here.</p></li>");
        }

        foreach (var chat in chats)
        {
            var chatGroup = GroupOf(chat.LastMessageAt, today);
            if (chatGroup != group)
            {
                builder.Append("<li class=\"chat-group\">").Append(chatGroup).Append("</li>");
                group = chatGroup;
            }

            AppendItem(builder, chat, chat.Id == currentChatId);
        }

        if (hasMore && chats.Count > 0)
        {
            var last = chats[^1];
            var position = KeysetPosition.Format(last.LastMessageAt, last.Id);
            builder.Append("<li class=\"chat-more\" hx-get=\"/chat/list?after=").Append(position);
            if (currentChatId is { } current)
            {
                builder.Append("&amp;current=").Append(current.ToString("N"));
            }

            builder.Append("\" hx-trigger=\"revealed\" hx-swap=\"outerHTML\"><span class=\"visually-hidden\">Loading older chats</span></li>");
        }

        return builder.ToString();
    }

    private static string GroupOf(DateTimeOffset lastMessageAt, DateTime today)
    {
        var days = (today - lastMessageAt.UtcDateTime.Date).TotalDays;
        return days <= 0 ? "Today" : days <= 1 ? "Yesterday" : days <= 7 ? "Previous 7 days" : "Older";
    }

    public static string Item(Chat chat, bool isCurrent)
    {
        var builder = new StringBuilder(420);
        AppendItem(builder, chat, isCurrent);
        return builder.ToString();
    }

    /// <summary>The whole list, as an out-of-band swap for a tab's live stream.</summary>
    public static string ListOob(IReadOnlyList<Chat> chats, Guid? currentChatId, bool hasMore) =>
        $"<ul id=\"{ListId}\" class=\"chat-list\" hx-swap-oob=\"true\">{Items(chats, currentChatId, hasMore)}</ul>";

    public static bool TryParseCursor(string? value, out ChatListCursor? cursor)
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

        cursor = new ChatListCursor(at, id);
        return true;
    }

    private static void AppendItem(StringBuilder builder, Chat chat, bool isCurrent)
    {
        var id = chat.Id.ToString("D");
        var title = Html.Encode(chat.Title);
        builder.Append("<li id=\"").Append(ItemId(chat.Id)).Append("\" class=\"chat-item\"><a class=\"chat-link\" href=\"/chat/").Append(id).Append('"');
        if (isCurrent)
        {
            builder.Append(" aria-current=\"page\"");
        }

        builder.Append(" title=\"").Append(title).Append("\">").Append(title).Append("</a>")
            .Append("<span class=\"chat-item-actions\">")
            .Append("<a class=\"icon-btn\" href=\"/chat/").Append(id).Append("/rename\" hx-get=\"/chat/").Append(id)
            .Append("/rename\" hx-target=\"#").Append(ItemId(chat.Id)).Append("\" hx-swap=\"outerHTML\" aria-label=\"Rename ").Append(title)
            .Append("\"><svg aria-hidden=\"true\" viewBox=\"0 0 16 16\"><path d=\"M11.5 2.5l2 2-8 8H3.5v-2z\"/></svg></a>")
            .Append("<a class=\"icon-btn\" href=\"/chat/").Append(id).Append("/delete\" hx-get=\"/chat/").Append(id)
            .Append("/delete\" hx-target=\"#dialog-slot\" hx-swap=\"innerHTML\" aria-label=\"Delete ").Append(title)
            .Append("\"><svg aria-hidden=\"true\" viewBox=\"0 0 16 16\"><path d=\"M3 4.5h10M6.5 4.5V3h3v1.5M5 4.5l.5 8.5h5l.5-8.5\"/></svg></a>")
            .Append("</span></li>");
    }
}
