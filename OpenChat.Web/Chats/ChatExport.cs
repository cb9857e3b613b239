using System.Text.Json;
using OpenChat.Web.Chats.Attachments;

namespace OpenChat.Web.Chats;

/// <summary>
/// Writes an owner's chats and messages as one JSON document (all of them, or one chat), a page at a time.
/// <see cref="ChatImport"/> reads the same format back. Attachments are listed by
/// name, type and size (their bytes stay downloadable from the thread, not in the export).
/// </summary>
public sealed class ChatExport(IChatRepository chats, IAttachmentStore attachments)
{
    public const string Format = "openchat.export";
    public const int FormatVersion = 1;

    public async Task WriteAsync(string ownerId, Stream output, CancellationToken cancellationToken)
    {
        await using var json = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = true });
        WriteHeader(json);
        ChatListCursor? after = null;
        while (true)
        {
            var page = await chats.ListChatsAsync(ownerId, after, ChatLimits.PageSize, cancellationToken);
            foreach (var chat in page)
            {
                await WriteChatAsync(json, ownerId, chat, cancellationToken);
                await json.FlushAsync(cancellationToken);
            }

            if (page.Count < ChatLimits.PageSize)
            {
                break;
            }

            after = new ChatListCursor(page[^1].LastMessageAt, page[^1].Id);
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    /// <summary>One chat, in the same document format as the export of all chats.</summary>
    public async Task WriteChatAsync(string ownerId, Chat chat, Stream output, CancellationToken cancellationToken)
    {
        await using var json = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = true });
        WriteHeader(json);
        await WriteChatAsync(json, ownerId, chat, cancellationToken);
        json.WriteEndArray();
        json.WriteEndObject();
    }

    /// <summary>Every message of a chat, oldest first.</summary>
    public async Task<IReadOnlyList<ChatMessage>> AllMessagesAsync(string ownerId, Guid chatId, CancellationToken cancellationToken)
    {
        var messages = new List<ChatMessage>();
        MessageCursor? before = null;
        while (true)
        {
            var page = await chats.ListMessagesAsync(ownerId, chatId, before, 500, cancellationToken);
            messages.InsertRange(0, page);
            if (page.Count < 500)
            {
                return messages;
            }

            before = new MessageCursor(page[0].CreatedAt, page[0].Id);
        }
    }

    private static void WriteHeader(Utf8JsonWriter json)
    {
        json.WriteStartObject();
        json.WriteString("format", Format);
        json.WriteNumber("version", FormatVersion);
        json.WriteString("exported_at", DateTimeOffset.UtcNow);
        json.WriteStartArray("chats");
    }

    private async Task WriteChatAsync(Utf8JsonWriter json, string ownerId, Chat chat, CancellationToken cancellationToken)
    {
        json.WriteStartObject();
        json.WriteString("id", chat.Id);
        json.WriteString("title", chat.Title);
        json.WriteString("model", chat.ModelId);
        json.WriteString("created_at", chat.CreatedAt);
        json.WriteString("last_message_at", chat.LastMessageAt);
        json.WriteStartArray("messages");
        var messages = await AllMessagesAsync(ownerId, chat.Id, cancellationToken);
        var files = (await attachments.ListAsync(ownerId, chat.Id, messages.Where(m => m.Role == MessageRole.User).Select(m => m.Id).ToHashSet(), cancellationToken))
            .ToLookup(a => a.MessageId);
        foreach (var message in messages)
        {
            json.WriteStartObject();
            json.WriteString("id", message.Id);
            json.WriteString("role", message.Role.ToWireName());
            json.WriteString("status", message.Status.ToWireName());
            json.WriteString("content", message.Content);
            json.WriteString("model", message.ModelId);
            json.WriteString("created_at", message.CreatedAt);
            if (files.Contains(message.Id))
            {
                json.WriteStartArray("attachments");
                foreach (var file in files[message.Id])
                {
                    json.WriteStartObject();
                    json.WriteString("id", file.Id);
                    json.WriteString("file_name", file.FileName);
                    json.WriteString("media_type", file.MediaType);
                    json.WriteNumber("size_bytes", file.SizeBytes);
                    json.WriteEndObject();
                }

                json.WriteEndArray();
            }

            if (message.Usage is { } usage)
            {
                json.WriteStartObject("usage");
                WriteNullable(json, "prompt_tokens", usage.PromptTokens);
                WriteNullable(json, "completion_tokens", usage.CompletionTokens);
                if (usage.CostUsd is { } cost)
                {
                    json.WriteNumber("cost_usd", cost);
                }

                json.WriteEndObject();
            }

            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static void WriteNullable(Utf8JsonWriter json, string name, int? value)
    {
        if (value is { } number)
        {
            json.WriteNumber(name, number);
        }
    }
}
