using OpenChat.Web.Chats.Attachments;

namespace OpenChat.Web.Storage.Files;

/// <summary>
/// Attachments as files in their chat's folder: <c>attachments/{id}.bin</c> (the bytes as they arrived) and
/// <c>attachments/{id}.json</c> (name, type, size, message). Bytes are written first, the JSON last, each
/// atomically, so an attachment is listed only once it is whole. Deleting the chat's folder deletes them.
/// </summary>
public sealed class FileAttachmentStore(FileStore store) : IAttachmentStore
{
    public const string Folder = "attachments";

    public async Task<bool> AddAsync(string ownerId, IReadOnlyList<StoredAttachment> attachments, CancellationToken cancellationToken)
    {
        if (attachments.Count == 0)
        {
            return true;
        }

        var chatId = attachments[0].Attachment.ChatId;
        using var _ = await store.LockAsync(chatId, cancellationToken);
        var chatFolder = ChatFolder(ownerId, chatId);
        if (!File.Exists(Path.Combine(chatFolder, "chat.json")))
        {
            return false;
        }

        var folder = OwnerOnly.CreateFolder(Path.Combine(chatFolder, Folder)).FullName;
        foreach (var (attachment, content) in attachments)
        {
            await WriteBytesAtomicAsync(Path.Combine(folder, $"{attachment.Id:N}.bin"), content, cancellationToken);
            await FileStore.WriteAtomicAsync(Path.Combine(folder, $"{attachment.Id:N}.json"), attachment, cancellationToken);
        }

        return true;
    }

    public async Task<IReadOnlyList<ChatAttachment>> ListAsync(string ownerId, Guid chatId, IReadOnlyCollection<Guid> messageIds, CancellationToken cancellationToken)
    {
        var folder = Path.Combine(ChatFolder(ownerId, chatId), Folder);
        if (messageIds.Count == 0 || !Directory.Exists(folder))
        {
            return [];
        }

        var wanted = messageIds as IReadOnlySet<Guid> ?? messageIds.ToHashSet();
        var found = new List<ChatAttachment>();
        foreach (var path in Directory.EnumerateFiles(folder, "*.json"))
        {
            if (!Guid.TryParseExact(Path.GetFileNameWithoutExtension(path), "N", out _))
            {
                continue; // a temporary file of a write in progress
            }

            var attachment = await FileStore.ReadAsync<ChatAttachment>(path, cancellationToken);
            if (attachment is not null && attachment.ChatId == chatId && wanted.Contains(attachment.MessageId))
            {
                found.Add(attachment);
            }
        }

        return found.OrderBy(a => a.CreatedAt).ThenBy(a => a.Id).ToList();
    }

    public async Task<StoredAttachment?> FindAsync(string ownerId, Guid chatId, Guid attachmentId, CancellationToken cancellationToken)
    {
        var folder = Path.Combine(ChatFolder(ownerId, chatId), Folder);
        var attachment = await FileStore.ReadAsync<ChatAttachment>(Path.Combine(folder, $"{attachmentId:N}.json"), cancellationToken);
        if (attachment is null || attachment.ChatId != chatId)
        {
            return null;
        }

        try
        {
            return new StoredAttachment(attachment, await File.ReadAllBytesAsync(Path.Combine(folder, $"{attachmentId:N}.bin"), cancellationToken));
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null; // the chat was deleted a moment ago
        }
    }

    private string ChatFolder(string ownerId, Guid chatId) => Path.Combine(store.OwnerFolder(ownerId), "chats", chatId.ToString("D"));

    private static async Task WriteBytesAtomicAsync(string path, byte[] content, CancellationToken cancellationToken)
    {
        var folder = Path.GetDirectoryName(path)!;
        var temporary = Path.Combine(folder, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        try
        {
            await using (var stream = OwnerOnly.Open(temporary, FileMode.CreateNew, FileAccess.Write, 81920, FileOptions.Asynchronous))
            {
                await stream.WriteAsync(content, cancellationToken);
                await stream.FlushAsync(cancellationToken);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, path, overwrite: true);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
    }
}
