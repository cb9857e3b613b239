using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using OpenChat.Web.Chats;
using OpenChat.Web.Hosting;
using OpenChat.Web.Live;
using OpenChat.Web.Storage;

namespace OpenChat.Web.Conversations;

/// <summary>
/// Reads a JSON export (<see cref="ChatExport"/>'s format, one chat or many) back in. The whole file is
/// checked before anything is written; each chat is created with new ids (an import never overwrites or
/// collides with a chat, and importing twice gives two copies). Titles, models, roles, text, order, times
/// and usage are kept; a reply that was still being written is imported as interrupted. What the owner would keep
/// afterwards must fit <see cref="ChatQuotas"/>.
/// </summary>
public sealed class ChatImport(IChatRepository chats, SidebarPublisher sidebar, IOptions<ChatQuotas> quotas)
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

        var adding = new OwnerFootprint(parsed.Count, parsed.Sum(c => (long)c.Messages.Count), parsed.Sum(c => c.Messages.Sum(m => (long)Encoding.UTF8.GetByteCount(m.Content))));
        if (quotas.Value.Refusal(await chats.FootprintAsync(ownerId, cancellationToken), adding) is { } overQuota)
        {
            return Refuse(overQuota);
        }

        var created = new List<Guid>(parsed.Count);
        foreach (var chat in parsed)
        {
            var chatId = Guid.CreateVersion7();
            var messages = chat.Messages.Select(m => m with { Id = Guid.CreateVersion7(), ChatId = chatId }).ToList();
            var last = messages.Count > 0 && messages[^1].CreatedAt > chat.CreatedAt ? messages[^1].CreatedAt : chat.CreatedAt;
            await chats.ImportChatAsync(new Chat(chatId, ownerId, chat.Title, true, chat.Model, chat.CreatedAt, last, last), messages, cancellationToken);
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

            var title = (StorableText(item, "title", $"Chat {chatNumber}'s title") ?? string.Empty).Trim();
            if (title.Length == 0 || title.Length > Chat.MaxTitleLength)
            {
                throw new ImportException($"Chat {chatNumber} needs a title of 1 to {Chat.MaxTitleLength} characters.");
            }

            var model = StorableText(item, "model", $"Chat {chatNumber}'s model");
            if (model is { Length: > MaxModelLength })
            {
                throw new ImportException($"Chat {chatNumber} names a model longer than {MaxModelLength} characters.");
            }

            var createdAt = Time(item, "created_at", $"Chat {chatNumber}") ?? DateTimeOffset.UtcNow.ToStoragePrecision();
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

        var content = StorableText(m, "content", where) ?? throw new ImportException($"{where} has no \"content\" text.");
        var limit = role == MessageRole.User ? ChatLimits.MaxMessageCharacters : MaxReplyCharacters;
        if (content.Length > limit)
        {
            throw new ImportException($"{where} is longer than {limit:N0} characters.");
        }

        var model = StorableText(m, "model", where);
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

        var at = Time(m, "created_at", where) ?? fallbackTime;
        return new ChatMessage(Guid.Empty, Guid.Empty, role, content, status == MessageStatus.Streaming ? MessageStatus.Interrupted : status,
            model, role == MessageRole.Assistant ? usage : null, null, at, at);
    }

    private static string? Text(JsonElement element, string name)
    {
        try
        {
            return element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
        }
        catch (InvalidOperationException)
        {
            // An escaped half of a surrogate pair (\ud800) is valid JSON but not text.
            throw new ImportException("That file has text with characters that cannot be stored (half of a surrogate pair).");
        }
    }

    private static int? Int(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.TryGetInt32(out var number) && number >= 0 ? number : null;

    /// <summary>Text as stored: a NUL or half a surrogate pair cannot be (Postgres refuses both in <c>text</c>).</summary>
    private static string? StorableText(JsonElement element, string name, string where)
    {
        var text = Text(element, name);
        if (text is not null && (text.Contains('\0', StringComparison.Ordinal) || HasLoneSurrogate(text)))
        {
            throw new ImportException($"{where} contains characters that cannot be stored (a NUL character or half of a surrogate pair).");
        }

        return text;
    }

    private static bool HasLoneSurrogate(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(text[i]))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>A time between <see cref="EarliestTime"/> and <see cref="LatestTime"/> (others overflow on the way to storage).</summary>
    private static DateTimeOffset? Time(JsonElement element, string name, string where)
    {
        if (!element.TryGetProperty(name, out var value) || value.ValueKind != JsonValueKind.String || !value.TryGetDateTimeOffset(out var at))
        {
            return null;
        }

        if (at < EarliestTime || at >= LatestTime)
        {
            throw new ImportException($"{where} has a time outside the years {EarliestTime.Year} to {LatestTime.Year - 1}.");
        }

        return at.ToUniversalTime().ToStoragePrecision();
    }

    private static readonly DateTimeOffset EarliestTime = new(1970, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset LatestTime = new(2100, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private sealed record ImportedChat(string Title, string? Model, DateTimeOffset CreatedAt, List<ChatMessage> Messages);

    private sealed class ImportException(string message) : Exception(message);
}
