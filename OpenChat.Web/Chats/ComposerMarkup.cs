using System.Text;
using OpenChat.Web.Platform;

namespace OpenChat.Web.Chats;

/// <summary>
/// The composer's action button: Send, or Stop while a reply in this chat streams. Stop submits its own
/// small form (kept outside the composer form) so it works without JavaScript too.
/// </summary>
public static class ComposerMarkup
{
    public static string Action(Guid? streamingReplyId, bool disabled = false)
    {
        if (streamingReplyId is null)
        {
            return "<button type=\"submit\" class=\"btn btn-primary composer-send\"" + (disabled ? " disabled" : string.Empty) + ">Send</button>";
        }

        return "<button type=\"submit\" form=\"stop-form\" class=\"btn btn-stop composer-send\" data-stop>Stop</button>";
    }

    public static string StopForm(Guid chatId, Guid? streamingReplyId, string? antiforgeryToken)
    {
        if (streamingReplyId is null)
        {
            return string.Empty;
        }

        var url = $"/chat/{chatId:D}/messages/{streamingReplyId:D}/stop";
        var builder = new StringBuilder(256);
        builder.Append("<form id=\"stop-form\" method=\"post\" action=\"").Append(url).Append("\" hx-post=\"").Append(url).Append("\" hx-swap=\"none\">");
        if (antiforgeryToken is not null)
        {
            builder.Append("<input type=\"hidden\" name=\"__RequestVerificationToken\" value=\"").Append(Html.Encode(antiforgeryToken)).Append("\">");
        }

        return builder.Append("</form>").ToString();
    }

    public static string StreamingActionOob(Guid chatId, Guid replyId) =>
        $"<div id=\"composer-action\" hx-swap-oob=\"true\">{Action(replyId)}</div><div id=\"stop-slot\" hx-swap-oob=\"true\">{StopForm(chatId, replyId, null)}</div>";

    public static string IdleActionOob(Guid chatId) =>
        $"<div id=\"composer-action\" hx-swap-oob=\"true\">{Action(null)}</div><div id=\"stop-slot\" hx-swap-oob=\"true\"></div>";
}
