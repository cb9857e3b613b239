using OpenChat.Web.Chats;
using OpenChat.Web.Chats.Usage;
using OpenChat.Web.Storage.Fallback;

namespace OpenChat.Web.Live;

/// <summary>
/// Every frame a tab can receive on its live stream, in one place. All but the text delta are out-of-band swaps
/// (<c>event: oob</c>); the composer's state (Send or Stop) rides along with the turn and the reply's end.
/// </summary>
public static class LiveFrames
{
    private const string Oob = "oob";

    /// <summary>The question and its reply as they stand, replacing any copy the tab shows, with the composer to match.</summary>
    /// <param name="streaming">True while the reply runs (the composer offers Stop), false once it is stored (Send).</param>
    public static SseFrame Turn(ChatMessage question, MessageView reply, bool streaming)
    {
        var userView = new MessageView(question, string.Empty, null, false, null);
        var replyId = reply.Message.Id;
        return SseFrame.Create(Oob, string.Concat(
            "<div id=\"", MessageMarkup.ArticleId(question.Id), "\" hx-swap-oob=\"delete\"></div>",
            "<div id=\"", MessageMarkup.ArticleId(replyId), "\" hx-swap-oob=\"delete\"></div>",
            "<div hx-swap-oob=\"beforeend:#thread\">", MessageMarkup.Article(userView), MessageMarkup.Article(reply), "</div>",
            streaming ? ComposerMarkup.StreamingActionOob(question.ChatId, replyId) : ComposerMarkup.IdleActionOob(question.ChatId)));
    }

    /// <summary>Text the reply gained within its unfinished block (appended to the tail as text: an unnamed event).</summary>
    public static SseFrame TextDelta(string text) => SseFrame.Create(null, Html.Encode(text));

    /// <summary>Blocks of the reply that just became final, and the unfinished text after them.</summary>
    public static SseFrame FinishedBlocks(Guid replyId, string blocksHtml, string tail) =>
        SseFrame.Create(Oob, string.Concat(AppendBlocks(replyId, blocksHtml),
            "<span id=\"", MessageMarkup.TailId(replyId), "\" hx-swap-oob=\"innerHTML\">", Html.Encode(tail), "</span>"));

    /// <summary>The reply as stored at its end, replacing the article the tab shows.</summary>
    /// <param name="lastBlocks">When the tab's blocks already are the final rendering: the blocks still missing, appended while the rest stays in place.</param>
    /// <param name="idleComposer">Whether the composer goes back to Send (no other reply runs in the chat).</param>
    /// <param name="chatTotal">The chat's new usage total for the header, when the tab did not see it change.</param>
    public static SseFrame FinalReply(MessageView reply, string? lastBlocks, bool idleComposer, UsageTotals? chatTotal = null)
    {
        var article = lastBlocks is null
            ? MessageMarkup.Article(reply, oob: "true")
            : AppendBlocks(reply.Message.Id, lastBlocks) + MessageMarkup.Article(reply, oob: "true", preserveBlocks: true);
        return SseFrame.Create(Oob, string.Concat(
            article,
            idleComposer ? ComposerMarkup.IdleActionOob(reply.Message.ChatId) : string.Empty,
            chatTotal is { } total ? ChatUsageMarkup.Total(total, oob: true) : string.Empty));
    }

    /// <summary>The owner's chat list (with the tab's chat marked), and news of the tab's chat when it was renamed or deleted.</summary>
    public static SseFrame SidebarChange(IReadOnlyList<Chat> chats, bool hasMore, Guid? shownChatId, Chat? renamed, Guid? deleted)
    {
        var shown = string.Empty;
        if (shownChatId is not null && renamed?.Id == shownChatId)
        {
            shown = ThreadMarkup.TitleOob(renamed.Title);
        }
        else if (shownChatId is not null && deleted == shownChatId)
        {
            shown = "<section id=\"thread\" class=\"thread messages\" hx-swap-oob=\"true\"><div class=\"empty\" role=\"status\"><p class=\"empty-title\">This chat was deleted</p><p><a href=\"/chat\">Start a new chat</a></p></div></section>" +
                    $"<div id=\"composer-action\" hx-swap-oob=\"true\">{ComposerMarkup.Action(null, disabled: true)}</div>";
        }

        return SseFrame.Create(Oob, ChatListMarkup.ListOob(chats, shownChatId, hasMore) + shown);
    }

    /// <summary>The chat's usage total in the header.</summary>
    public static SseFrame ChatTotal(UsageTotals totals) => SseFrame.Create(Oob, ChatUsageMarkup.Total(totals, oob: true));

    /// <summary>The storage banner shown (Postgres is away) or hidden.</summary>
    public static SseFrame StorageBannerChange(bool open) => SseFrame.Create(Oob, StorageBanner.Markup(open, outOfBand: true));

    private static string AppendBlocks(Guid replyId, string blocksHtml) =>
        string.Concat("<div hx-swap-oob=\"beforeend:#", MessageMarkup.BlocksId(replyId), "\">", blocksHtml, "</div>");
}
