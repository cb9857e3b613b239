using System.Text;
using OpenChat.Web.Platform;

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

    /// <summary>
    /// Removes a turn (question and reply) from a tab that shows it, before the turn is appended again. A tab may or may not
    /// show it: the marker dropped into <c>#live-sink</c> first gives the delete a target in every tab (htmx logs an error
    /// for an out-of-band swap without one).
    /// </summary>
    public static string RemoveTurnOob(Guid userMessageId, Guid replyId)
    {
        var marker = "gone-" + replyId.ToString("N");
        return string.Concat(
            "<div hx-swap-oob=\"beforeend:#live-sink\"><i id=\"", marker, "\"></i></div>",
            "<div hx-swap-oob=\"delete:#", ArticleId(userMessageId), ",#", ArticleId(replyId), ",#", marker, "\"></div>");
    }

    /// <summary>
    /// The unfinished end of a running reply. Deltas arrive as unnamed SSE events (8 bytes of framing each) and are appended
    /// to the element with <c>sse-swap</c> as escaped text: plain, or, while a fenced block is open, inside a code block that
    /// looks like the finished one will (so nothing jumps when it completes). With <paramref name="oob"/> it replaces the tail a tab shows.
    /// </summary>
    public static string Tail(Guid replyId, string? text, string? codeLanguage, bool oob = false)
    {
        var swap = oob ? " hx-swap-oob=\"true\"" : string.Empty;
        if (codeLanguage is null)
        {
            return string.Concat("<span class=\"tail\" id=\"", TailId(replyId), "\"", swap, " sse-swap=\"message\" hx-swap=\"beforeend\">", Html.Encode(text), "</span>");
        }

        return string.Concat(
            "<div class=\"prose tail-code\" id=\"", TailId(replyId), "\"", swap, "><div class=\"code-block\"><div class=\"code-bar\"><span class=\"code-lang\">",
            Html.Encode(codeLanguage.Length == 0 ? "text" : codeLanguage),
            "</span><button type=\"button\" class=\"copy\" data-copy=\"code\" aria-label=\"Copy code\">Copy</button></div><pre><code sse-swap=\"message\" hx-swap=\"beforeend\">",
            Html.Encode(text), "</code></pre></div></div>");
    }

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
            builder.Append(Tail(message.Id, view.Tail, view.TailCodeLanguage))
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

        if (message.ModelId is { Length: > 0 } model)
        {
            // The model that wrote the reply, short (its name after the provider), the full id on hover.
            builder.Append("<span class=\"msg-model\" title=\"").Append(Html.Encode(model)).Append("\">")
                .Append(Html.Encode(model[(model.IndexOf('/', StringComparison.Ordinal) + 1)..])).Append("</span>");
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
