using System.Text.Json;
using OpenChat.Web.Chats;
using OpenChat.Web.Live;
using OpenChat.Web.Storage;

namespace OpenChat.Web.Conversations;

/// <summary>
/// Reads a JSON export (<see cref="ChatExport"/>'s format, one chat or many) back in. The whole file is
/// checked before anything is written; each chat is created with new ids (an import never overwrites or
/// collides with a chat, and importing twice gives two copies). Titles, models, roles, text, order, times
/// and usage are kept; a reply that was still being written is imported as interrupted.
/// </summary>
public sealed class ChatImport(IChatRepository chats, SidebarPublisher sidebar, ILogger<ChatImport> logger)
{
    public const long MaxFileBytes = 10 * 1024 * 1024;
    public const int MaxChats = 1_000;
    public const int MaxMessages = 100_000;
    public const int MaxReplyCharacters = 200_000;
    private const int MaxModelLength = 200;

    /// <returns>The new chats' ids, or a message saying what is wrong with the file.</returns>
    public async Task<ChatResult<IReadOnlyList<Guid>>> ImportAsync(string ownerId, Stream json, CancellationToken cancellationToken)
    {
        List<ImportedChat> parsed;
        try
        {
            using var document = await JsonDocument.ParseAsync(json, new JsonDocumentOptions { MaxDepth = 16 }, cancellationToken);
            parsed = Parse(document.RootElement);
        }
        catch (JsonException)
        {
            return Refuse("That file is not valid JSON.");
        }
        catch (ImportException e)
        {
            return Refuse(e.Message);
        }

        var created = new List<Guid>(parsed.Count);
        foreach (var chat in parsed)
        {
            var chatId = Guid.CreateVersion7();
            var messages = chat.Messages;
            await chats.CreateChatAsync(new Chat(chatId, ownerId, chat.Title, true, chat.Model, chat.CreatedAt, chat.CreatedAt, chat.CreatedAt), cancellationToken);
            try
            {
                foreach (var message in messages)
                {
                    await chats.AddMessageAsync(ownerId, message with { Id = Guid.CreateVersion7(), ChatId = chatId }, cancellationToken);
                }
            }
            catch (Exception e)
            {
                logger.LogWarning(e, "Import of a chat failed part way; removing it");
                await chats.DeleteChatAsync(ownerId, chatId, CancellationToken.None);
                throw;
            }

            created.Add(chatId);
        }

        sidebar.Publish(ownerId);
        return new ChatResult<IReadOnlyList<Guid>>(created, null);
    }

    private static ChatResult<IReadOnlyList<Guid>> Refuse(string message) =>
        new(null, new ChatError(StatusCodes.Status422UnprocessableEntity, message));

    private static List<ImportedChat> Parse(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object || Text(root, "format") != ChatExport.Format)
        {
            throw new ImportException("That file is not an OpenChat export (its \"format\" should be \"openchat.export\").");
        }

        if (!root.TryGetProperty("version", out var version) || !version.TryGetInt32(out var v) || v != ChatExport.FormatVersion)
        {
            throw new ImportException($"This OpenChat export has a version this server does not read (it reads version {ChatExport.FormatVersion}).");
        }

        if (!root.TryGetProperty("chats", out var list) || list.ValueKind != JsonValueKind.Array)
        {
            throw new ImportException("That export has no \"chats\" list.");
        }

        if (list.GetArrayLength() == 0)
        {
            throw new ImportException("That export has no chats in it.");
        }

        if (list.GetArrayLength() > MaxChats)
        {
            throw new ImportException($"That export has more than {MaxChats:N0} chats; import at most {MaxChats:N0} at a time.");
        }

        var chatsRead = new List<ImportedChat>();
        var messageCount = 0;
        var chatNumber = 0;
        foreach (var item in list.EnumerateArray())
        {
            chatNumber++;
            if (item.ValueKind != JsonValueKind.Object)
            {
                throw new ImportException($"Chat {chatNumber} is not an object.");
            }

            var title = (Text(item, "title") ?? string.Empty).Trim();
            if (title.Length == 0 || title.Length > Chat.MaxTitleLength)
            {
                throw new ImportException($"Chat {chatNumber} needs a title of 1 to {Chat.MaxTitleLength} characters.");
            }

            var model = Text(item, "model");
            if (model is { Length: > MaxModelLength })
            {
                throw new ImportException($"Chat {chatNumber} names a model longer than {MaxModelLength} characters.");
            }

            var createdAt = Time(item, "created_at") ?? DateTimeOffset.UtcNow.ToStoragePrecision();
            var messages = new List<ChatMessage>();
            if (item.TryGetProperty("messages", out var messageList))
            {
                if (messageList.ValueKind != JsonValueKind.Array)
                {
                    throw new ImportException($"Chat {chatNumber}: \"messages\" must be a list.");
                }

                var previous = DateTimeOffset.MinValue;
                var messageNumber = 0;
                foreach (var m in messageList.EnumerateArray())
                {
                    messageNumber++;
                    if (++messageCount > MaxMessages)
                    {
                        throw new ImportException($"That export has more than {MaxMessages:N0} messages.");
                    }

                    var message = ParseMessage(m, $"Chat {chatNumber}, message {messageNumber}", createdAt);

                    // The thread's order is (time, id) and ids are new: times must strictly increase to keep the file's order.
                    var at = message.CreatedAt <= previous ? previous.AddTicks(10) : message.CreatedAt;
                    previous = at;
                    messages.Add(message with { CreatedAt = at, UpdatedAt = at });
                }
            }

            chatsRead.Add(new ImportedChat(title, model, createdAt, messages));
        }

        return chatsRead;
    }

    private static ChatMessage ParseMessage(JsonElement m, string where, DateTimeOffset fallbackTime)
    {
        if (m.ValueKind != JsonValueKind.Object)
        {
            throw new ImportException($"{where} is not an object.");
        }

        MessageRole role;
        MessageStatus status;
        try
        {
            role = ChatWireNames.ParseRole(Text(m, "role") ?? string.Empty);
            status = ChatWireNames.ParseStatus(Text(m, "status") ?? "complete");
        }
        catch (FormatException)
        {
            throw new ImportException($"{where} has an unknown role or status.");
        }

        var content = Text(m, "content") ?? throw new ImportException($"{where} has no \"content\" text.");
        var limit = role == MessageRole.User ? ChatLimits.MaxMessageCharacters : MaxReplyCharacters;
        if (content.Length > limit)
        {
            throw new ImportException($"{where} is longer than {limit:N0} characters.");
        }

        var model = Text(m, "model");
        if (model is { Length: > MaxModelLength })
        {
            throw new ImportException($"{where} names a model longer than {MaxModelLength} characters.");
        }

        MessageUsage? usage = null;
        if (m.TryGetProperty("usage", out var u) && u.ValueKind == JsonValueKind.Object)
        {
            usage = new MessageUsage(Int(u, "prompt_tokens"), Int(u, "completion_tokens"),
                u.TryGetProperty("cost_usd", out var cost) && cost.TryGetDecimal(out var c) && c >= 0 ? c : null);
        }

        var at = Time(m, "created_at") ?? fallbackTime;
        return new ChatMessage(Guid.Empty, Guid.Empty, role, content, status == MessageStatus.Streaming ? MessageStatus.Interrupted : status,
            model, role == MessageRole.Assistant ? usage : null, null, at, at);
    }

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static int? Int(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.TryGetInt32(out var number) && number >= 0 ? number : null;

    private static DateTimeOffset? Time(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.TryGetDateTimeOffset(out var at)
            ? at.ToUniversalTime().ToStoragePrecision()
            : null;

    private sealed record ImportedChat(string Title, string? Model, DateTimeOffset CreatedAt, List<ChatMessage> Messages);

    private sealed class ImportException(string message) : Exception(message);
}
