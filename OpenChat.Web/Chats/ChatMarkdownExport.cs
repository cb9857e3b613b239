using System.Globalization;
using System.Text;
using OpenChat.Web.Chats.Usage;

namespace OpenChat.Web.Chats;

/// <summary>One chat as a Markdown document: a heading per turn, the text as written, usage under each reply.</summary>
public sealed class ChatMarkdownExport(ChatExport export)
{
    public async Task<string> RenderAsync(string ownerId, Chat chat, CancellationToken cancellationToken)
    {
        var messages = await export.AllMessagesAsync(ownerId, chat.Id, cancellationToken);
        var builder = new StringBuilder(messages.Sum(m => m.Content.Length + 64) + 256);
        builder.Append("# ").Append(OneLine(chat.Title)).Append("\n\n");
        if (chat.ModelId is not null)
        {
            builder.Append("Model: `").Append(OneLine(chat.ModelId)).Append("` · ");
        }

        builder.Append("Started ").Append(chat.CreatedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture)).Append("\n\n");
        foreach (var message in messages)
        {
            builder.Append("## ").Append(message.Role == MessageRole.User ? "You" : "Assistant");
            if (message.Role == MessageRole.Assistant && message.ModelId is not null)
            {
                builder.Append(" (").Append(OneLine(message.ModelId)).Append(')');
            }

            builder.Append("\n\n").Append(message.Content.TrimEnd()).Append("\n\n");
            if (message.Status is MessageStatus.Stopped or MessageStatus.Error or MessageStatus.Interrupted)
            {
                builder.Append("*(").Append(message.Status.ToWireName()).Append(")*\n\n");
            }

            if (message.Usage is { } usage)
            {
                builder.Append('*').Append(UsageFormat.Line(usage.PromptTokens, usage.CompletionTokens, usage.CostUsd)).Append("*\n\n");
            }
        }

        return builder.ToString();
    }

    private static string OneLine(string text) => text.ReplaceLineEndings(" ");
}
