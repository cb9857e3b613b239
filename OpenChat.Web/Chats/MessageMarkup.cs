using System.Text;

namespace OpenChat.Web.Chats;

/// <summary>
/// The markup of a message (<c>&lt;article data-role data-status&gt;</c>), written in code because the same
/// fragment is rendered in pages and pushed to tabs over the live stream from background runs.
/// Model output only ever appears as sanitised HTML inside an <c>hx-disable</c> container, or escaped.
/// </summary>
public static class MessageMarkup
{
    public static string ArticleId(Guid messageId) => "m-" + messageId.ToString("N");

    public static string BlocksId(Guid messageId) => "b-" + messageId.ToString("N");

    public static string TailId(Guid messageId) => "t-" + messageId.ToString("N");

    public static string Article(MessageView view, string? oob = null, bool preserveBlocks = false)
    {
        var message = view.Message;
        var builder = new StringBuilder(view.RenderedHtml.Length + (view.Tail?.Length ?? 0) + 640);
        builder.Append("<article id=\"").Append(ArticleId(message.Id)).Append("\" class=\"msg msg-").Append(message.Role.ToWireName())
            .Append("\" data-role=\"").Append(message.Role.ToWireName())
            .Append("\" data-status=\"").Append(message.Status.ToWireName()).Append('"');
        if (oob is not null)
        {
            builder.Append(" hx-swap-oob=\"").Append(oob).Append('"');
        }

        if (message.Status == MessageStatus.Streaming)
        {
            builder.Append(" aria-busy=\"true\"");
        }

        builder.Append('>');
        if (message.Role == MessageRole.User)
        {
            builder.Append("<h2 class=\"visually-hidden\">You said</h2><div class=\"message-body\"><p class=\"msg-text\">")
                .Append(Html.Encode(message.Content)).Append("</p>");
            Attachments.AttachmentMarkup.AppendList(builder, message.Attachments);
            builder.Append("</div>");
        }
        else
        {
            AppendReply(builder, view, preserveBlocks);
        }

        builder.Append("</article>");
        return builder.ToString();
    }

    private static void AppendReply(StringBuilder builder, MessageView view, bool preserveBlocks)
    {
        var message = view.Message;
        builder.Append("<h2 class=\"visually-hidden\">OpenChat replied</h2><div class=\"message-body\"><div class=\"md prose\" id=\"")
            .Append(BlocksId(message.Id)).Append("\" hx-disable");
        if (preserveBlocks)
        {
            builder.Append(" hx-preserve>");
        }
        else
        {
            builder.Append('>').Append(view.RenderedHtml);
        }

        builder.Append("</div>");
        if (message.Status == MessageStatus.Streaming)
        {
            // Deltas arrive as unnamed SSE events (8 bytes of framing each) and are appended here as escaped text.
            builder.Append("<span class=\"tail\" id=\"").Append(TailId(message.Id))
                .Append("\" sse-swap=\"message\" hx-swap=\"beforeend\">").Append(Html.Encode(view.Tail)).Append("</span>")
                .Append("<span class=\"typing\" aria-hidden=\"true\"><span></span><span></span><span></span></span>");
        }

        builder.Append("</div>");
        switch (message.Status)
        {
            case MessageStatus.Error:
                var error = ReplyError.Parse(message.ErrorKind) ?? new ReplyError(ReplyError.Upstream);
                builder.Append("<p class=\"msg-error\" role=\"alert\" data-error-kind=\"").Append(Html.Encode(error.Kind)).Append("\">")
                    .Append(Html.Encode(error.Explanation)).Append("</p>");
                break;
            case MessageStatus.Stopped:
                builder.Append("<p class=\"msg-note\">Stopped</p>");
                break;
            case MessageStatus.Interrupted:
                builder.Append("<p class=\"msg-note\">Interrupted: the server restarted before this reply finished.</p>");
                break;
        }

        if (message.Status == MessageStatus.Streaming)
        {
            return;
        }

        builder.Append("<div class=\"msg-actions\">");
        if (message.Content.Length > 0)
        {
            builder.Append("<button type=\"button\" class=\"btn btn-ghost btn-sm\" data-copy=\"message\">Copy</button>");
        }

        if (view.IsLatestReply)
        {
            var retry = message.Status is MessageStatus.Error or MessageStatus.Interrupted;
            AppendAction(builder, view, retry ? "retry" : "regenerate", retry ? "Retry" : "Regenerate");
        }

        if (message.Usage is { } usage)
        {
            builder.Append("<span class=\"msg-usage\">")
                .Append(Html.Encode(Usage.UsageFormat.Line(usage.PromptTokens, usage.CompletionTokens, usage.CostUsd))).Append("</span>");
        }

        builder.Append("</div>");
    }

    private static void AppendAction(StringBuilder builder, MessageView view, string action, string label)
    {
        var url = $"/chat/{view.Message.ChatId:D}/messages/{view.Message.Id:D}/{action}";
        builder.Append("<form method=\"post\" action=\"").Append(url).Append("\" hx-post=\"").Append(url).Append("\" hx-swap=\"none\" class=\"inline-form\">");
        if (view.AntiforgeryToken is not null)
        {
            builder.Append("<input type=\"hidden\" name=\"__RequestVerificationToken\" value=\"").Append(Html.Encode(view.AntiforgeryToken)).Append("\">");
        }

        builder.Append("<button type=\"submit\" class=\"btn btn-ghost btn-sm\">").Append(label).Append("</button></form>");
    }
}
