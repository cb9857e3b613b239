using OpenChat.Web.Chats;

namespace OpenChat.Web.Storage.Files;

/// <summary>
/// Chats and messages as files: <c>owners/{owner}/chats/{chat}/chat.json</c>, one file per message in
/// <c>messages/{created-ticks}-{id}.json</c>, and the thread's order in <see cref="FileMessageIndex"/>, so a page of
/// a long thread reads the index's slice and the files it shows.
/// </summary>
public sealed class FileChatRepository(FileStore store) : IChatRepository
{
    private const string ChatFile = "chat.json";
    private const string MessagesFolder = "messages";
    private const string StreamingFolder = "streaming";

    // Replies being written right now, by message id: where their file is and what it holds.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<Guid, StreamingMessage> _streaming = new();

    public async Task CreateChatAsync(Chat chat, CancellationToken cancellationToken)
    {
        using var _ = await store.LockAsync(chat.Id, cancellationToken);
        var folder = ChatFolder(chat.OwnerId, chat.Id);
        var path = Path.Combine(folder, ChatFile);
        if (File.Exists(path))
        {
            throw new InvalidOperationException($"Chat {chat.Id} already exists.");
        }

        FileMessageIndex.Write(folder, []);
        await FileStore.WriteAtomicAsync(path, chat, cancellationToken);
    }

    public async Task ImportChatAsync(Chat chat, IReadOnlyList<ChatMessage> messages, CancellationToken cancellationToken)
    {
        using var _ = await store.LockAsync(chat.Id, cancellationToken);
        var folder = ChatFolder(chat.OwnerId, chat.Id);
        if (Directory.Exists(folder))
        {
            throw new InvalidOperationException($"Chat {chat.Id} already exists.");
        }

        try
        {
            // Messages without a flush each (thousands of fsyncs were most of an import's time), then the index and
            // chat.json flushed: until chat.json exists the chat is invisible, so a crash leaves nothing half-imported.
            foreach (var message in messages)
            {
                await FileStore.WriteAtomicAsync(Path.Combine(folder, MessagesFolder, MessageFileName(message.CreatedAt, message.Id)), message, cancellationToken, durable: false);
            }

            FileMessageIndex.Write(folder, messages.Select(m => FileMessageIndex.NameOf(m.CreatedAt, m.Id)).Order(StringComparer.Ordinal).ToList());
            await FileStore.WriteAtomicAsync(Path.Combine(folder, ChatFile), chat, cancellationToken);
        }
        catch
        {
            if (Directory.Exists(folder))
            {
                FileStore.DeleteFolderAtomic(folder);
            }

            throw;
        }
    }

    public Task<OwnerFootprint> FootprintAsync(string ownerId, CancellationToken cancellationToken)
    {
        int chats = 0;
        long messages = 0, bytes = 0;
        foreach (var chatId in FileMessageFiles.ChatsOf(store, ownerId))
        {
            cancellationToken.ThrowIfCancellationRequested();
            chats++;
            var folder = new DirectoryInfo(Path.Combine(ChatFolder(ownerId, chatId), MessagesFolder));
            if (folder.Exists)
            {
                foreach (var file in folder.EnumerateFiles("*.json"))
                {
                    messages++;
                    bytes += file.Length;
                }
            }
        }

        return Task.FromResult(new OwnerFootprint(chats, messages, bytes));
    }

    public Task<Chat?> FindChatAsync(string ownerId, Guid chatId, CancellationToken cancellationToken) =>
        FileStore.ReadAsync<Chat>(Path.Combine(ChatFolder(ownerId, chatId), ChatFile), cancellationToken);

    public async Task<IReadOnlyList<Chat>> ListChatsAsync(string ownerId, ChatListCursor? after, int limit, CancellationToken cancellationToken)
    {
        var folder = Path.Combine(store.OwnerFolder(ownerId), "chats");
        if (!Directory.Exists(folder))
        {
            return [];
        }

        var chats = new List<Chat>();
        foreach (var chatFolder in Directory.EnumerateDirectories(folder))
        {
            if (!Guid.TryParse(Path.GetFileName(chatFolder), out _))
            {
                continue; // a folder being deleted (.deleted-*) or something a person left there
            }

            var chat = await FileStore.ReadAsync<Chat>(Path.Combine(chatFolder, ChatFile), cancellationToken);
            if (chat is not null && (after is null || IsAfter(chat, after)))
            {
                chats.Add(chat);
            }
        }

        return chats
            .OrderByDescending(c => c.LastMessageAt)
            .ThenByDescending(c => c.Id)
            .Take(limit)
            .ToList();
    }

    public async Task<bool> RenameChatAsync(string ownerId, Guid chatId, string title, bool isCustom, DateTimeOffset at, CancellationToken cancellationToken)
    {
        using var _ = await store.LockAsync(chatId, cancellationToken);
        var path = Path.Combine(ChatFolder(ownerId, chatId), ChatFile);
        var chat = await FileStore.ReadAsync<Chat>(path, cancellationToken);
        if (chat is null)
        {
            return false;
        }

        await FileStore.WriteAtomicAsync(path, chat with { Title = title, TitleIsCustom = isCustom, UpdatedAt = at }, cancellationToken);
        return true;
    }

    public async Task<bool> SetChatModelAsync(string ownerId, Guid chatId, string modelId, DateTimeOffset at, CancellationToken cancellationToken)
    {
        using var _ = await store.LockAsync(chatId, cancellationToken);
        var path = Path.Combine(ChatFolder(ownerId, chatId), ChatFile);
        var chat = await FileStore.ReadAsync<Chat>(path, cancellationToken);
        if (chat is null)
        {
            return false;
        }

        await FileStore.WriteAtomicAsync(path, chat with { ModelId = modelId, UpdatedAt = at }, cancellationToken);
        return true;
    }

    public async Task<bool> DeleteChatAsync(string ownerId, Guid chatId, CancellationToken cancellationToken)
    {
        using var _ = await store.LockAsync(chatId, cancellationToken);
        var folder = ChatFolder(ownerId, chatId);
        if (!File.Exists(Path.Combine(folder, ChatFile)))
        {
            return false;
        }

        FileStore.DeleteFolderAtomic(folder);
        return true;
    }

    public async Task<bool> AddMessageAsync(string ownerId, ChatMessage message, CancellationToken cancellationToken)
    {
        using var _ = await store.LockAsync(message.ChatId, cancellationToken);
        var folder = ChatFolder(ownerId, message.ChatId);
        var chatPath = Path.Combine(folder, ChatFile);
        var chat = await FileStore.ReadAsync<Chat>(chatPath, cancellationToken);
        if (chat is null)
        {
            return false;
        }

        var messagePath = Path.Combine(folder, MessagesFolder, MessageFileName(message.CreatedAt, message.Id));
        // The index first: after a crash it may name a file that was never written (skipped when read), never miss one.
        FileMessageIndex.Add(folder, FileMessageIndex.NameOf(message.CreatedAt, message.Id));
        await FileStore.WriteAtomicAsync(messagePath, message, cancellationToken);
        if (message.Status == MessageStatus.Streaming)
        {
            _streaming[message.Id] = new StreamingMessage(ownerId, messagePath, message);
            MarkStreaming(ownerId, message.ChatId, message.Id, streaming: true);
        }
        if (message.CreatedAt > chat.LastMessageAt || message.CreatedAt > chat.UpdatedAt)
        {
            var latest = message.CreatedAt > chat.LastMessageAt ? message.CreatedAt : chat.LastMessageAt;
            var updated = message.CreatedAt > chat.UpdatedAt ? message.CreatedAt : chat.UpdatedAt;
            await FileStore.WriteAtomicAsync(chatPath, chat with { LastMessageAt = latest, UpdatedAt = updated }, cancellationToken);
        }

        return true;
    }

    public async Task<IReadOnlyList<ChatMessage>> ListMessagesAsync(string ownerId, Guid chatId, MessageCursor? before, int limit, CancellationToken cancellationToken)
    {
        var chatFolder = ChatFolder(ownerId, chatId);
        var bound = before is null ? null : FileMessageIndex.NameOf(before.CreatedAt, before.Id);
        var names = FileMessageIndex.Page(chatFolder, bound, limit);
        if (names is null)
        {
            if (!File.Exists(Path.Combine(chatFolder, ChatFile)))
            {
                return [];
            }

            // A chat written before the index existed: index it once.
            using (await store.LockAsync(chatId, cancellationToken))
            {
                FileMessageIndex.Ensure(chatFolder);
            }

            names = FileMessageIndex.Page(chatFolder, bound, limit) ?? [];
        }

        var folder = Path.Combine(chatFolder, MessagesFolder);
        var page = new List<ChatMessage>(names.Count);
        foreach (var name in names)
        {
            var message = await FileStore.ReadAsync<ChatMessage>(Path.Combine(folder, name + ".json"), cancellationToken);
            if (message is not null)
            {
                page.Add(message);
            }
        }

        return page;
    }

    public async Task<bool> UpdateMessageAsync(string ownerId, Guid chatId, MessageUpdate update, CancellationToken cancellationToken)
    {
        using var _ = await store.LockAsync(chatId, cancellationToken);
        string? path;
        ChatMessage? message;
        var wasStreaming = _streaming.TryGetValue(update.MessageId, out var known) && known.OwnerId == ownerId && known.Message.ChatId == chatId;
        if (wasStreaming && known is not null && File.Exists(known.Path))
        {
            // A reply being written: its file and fields are known, so a flush neither lists the folder nor reads it back.
            (path, message) = (known.Path, known.Message);
        }
        else
        {
            var folder = Path.Combine(ChatFolder(ownerId, chatId), MessagesFolder);
            path = Directory.Exists(folder)
                ? Directory.EnumerateFiles(folder, $"*-{update.MessageId:N}.json").FirstOrDefault()
                : null;
            message = path is null ? null : await FileStore.ReadAsync<ChatMessage>(path, cancellationToken);
            wasStreaming = false;
        }

        if (message is null || message.ChatId != chatId)
        {
            return false;
        }

        var updated = message with
        {
            Content = update.Content,
            Status = update.Status,
            ErrorKind = update.ErrorKind,
            Usage = update.Usage,
            UpdatedAt = update.UpdatedAt,
        };

        // A flush of a streaming reply is frequent and replaceable: it skips the flush to disk (the rename
        // is still atomic, so a killed process leaves the old or the new file, never half of one).
        var streaming = update.Status == MessageStatus.Streaming;
        await FileStore.WriteAtomicAsync(path!, updated, cancellationToken, durable: !streaming);
        if (streaming)
        {
            _streaming[update.MessageId] = new StreamingMessage(ownerId, path!, updated);
            if (!wasStreaming)
            {
                MarkStreaming(ownerId, chatId, update.MessageId, streaming: true);
            }
        }
        else
        {
            _streaming.TryRemove(update.MessageId, out var _);
            MarkStreaming(ownerId, chatId, update.MessageId, streaming: false);
        }

        return true;
    }

    public async Task<int> InterruptStreamingMessagesAsync(DateTimeOffset at, CancellationToken cancellationToken)
    {
        var markers = Path.Combine(store.Root, StreamingFolder);
        if (!Directory.Exists(markers))
        {
            return 0;
        }

        var count = 0;
        foreach (var marker in Directory.EnumerateFiles(markers))
        {
            var parts = Path.GetFileName(marker).Split('~');
            if (parts.Length == 3 && Guid.TryParse(parts[1], out var chatId) && Guid.TryParse(parts[2], out var messageId))
            {
                var message = await FindMessageAsync(parts[0], chatId, messageId, cancellationToken);
                if (message?.Status == MessageStatus.Streaming &&
                    await UpdateMessageAsync(parts[0], chatId, new MessageUpdate(messageId, message.Content, MessageStatus.Interrupted, message.Usage, message.ErrorKind, at), cancellationToken))
                {
                    count++;
                }
            }

            File.Delete(marker);
        }

        return count;
    }

    private async Task<ChatMessage?> FindMessageAsync(string ownerId, Guid chatId, Guid messageId, CancellationToken cancellationToken)
    {
        var folder = Path.Combine(ChatFolder(ownerId, chatId), MessagesFolder);
        var path = Directory.Exists(folder) ? Directory.EnumerateFiles(folder, $"*-{messageId:N}.json").FirstOrDefault() : null;
        return path is null ? null : await FileStore.ReadAsync<ChatMessage>(path, cancellationToken);
    }

    /// <summary>Streaming replies leave a marker file, so start-up finds them without reading every message.</summary>
    private void MarkStreaming(string ownerId, Guid chatId, Guid messageId, bool streaming)
    {
        var marker = Path.Combine(store.Root, StreamingFolder, $"{ownerId}~{chatId:N}~{messageId:N}");
        if (streaming)
        {
            OwnerOnly.CreateFolder(Path.GetDirectoryName(marker)!);
            OwnerOnly.WriteAllBytes(marker, []);
        }
        else if (File.Exists(marker))
        {
            File.Delete(marker);
        }
    }

    private string ChatFolder(string ownerId, Guid chatId) =>
        Path.Combine(store.OwnerFolder(ownerId), "chats", chatId.ToString("D"));

    private static string MessageFileName(DateTimeOffset createdAt, Guid id) =>
        $"{createdAt.UtcTicks:D19}-{id:N}.json";

    private static bool IsAfter(Chat chat, ChatListCursor cursor) =>
        chat.LastMessageAt < cursor.LastMessageAt ||
        (chat.LastMessageAt == cursor.LastMessageAt && chat.Id.CompareTo(cursor.Id) < 0);

    private sealed record StreamingMessage(string OwnerId, string Path, ChatMessage Message);
}
