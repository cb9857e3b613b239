namespace OpenChat.Web.Chats.Attachments;

public static class MessagesWithAttachments
{
    /// <summary>The messages with their attachments' metadata (people's messages only carry files).</summary>
    public static async Task<IReadOnlyList<ChatMessage>> WithAttachmentsAsync(
        this IAttachmentStore attachments, string ownerId, Guid chatId, IReadOnlyList<ChatMessage> messages, CancellationToken cancellationToken)
    {
        var ids = messages.Where(m => m.Role == MessageRole.User).Select(m => m.Id).ToHashSet();
        var found = await attachments.ListAsync(ownerId, chatId, ids, cancellationToken);
        if (found.Count == 0)
        {
            return messages;
        }

        var byMessage = found.ToLookup(a => a.MessageId);
        return messages.Select(m => byMessage.Contains(m.Id) ? m with { Attachments = byMessage[m.Id].ToList() } : m).ToList();
    }
}
