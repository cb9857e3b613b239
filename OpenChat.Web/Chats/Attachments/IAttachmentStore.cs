namespace OpenChat.Web.Chats.Attachments;

/// <summary>
/// Files sent with messages. Scoped to an owner like <see cref="IChatRepository"/>: another owner's chat or
/// attachment behaves exactly like one that does not exist. Deleting a chat deletes its attachments.
/// </summary>
public interface IAttachmentStore
{
    /// <summary>Stores the files of one message (already checked).</summary>
    /// <returns>False when the owner has no such chat.</returns>
    Task<bool> AddAsync(string ownerId, IReadOnlyList<StoredAttachment> attachments, CancellationToken cancellationToken);

    /// <summary>Metadata of the attachments of these messages of one chat, oldest first.</summary>
    Task<IReadOnlyList<ChatAttachment>> ListAsync(string ownerId, Guid chatId, IReadOnlyCollection<Guid> messageIds, CancellationToken cancellationToken);

    /// <summary>One attachment with its bytes; null when the owner has no such attachment in that chat.</summary>
    Task<StoredAttachment?> FindAsync(string ownerId, Guid chatId, Guid attachmentId, CancellationToken cancellationToken);
}
