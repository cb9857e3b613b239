using OpenChat.Web.Chats;
using OpenChat.Web.Chats.Attachments;
using OpenChat.Web.Generation;
using OpenChat.Web.Instances;

namespace OpenChat.Web.Conversations;

/// <summary>Reading chats: the list, one chat, a page of its thread.</summary>
public sealed class ChatQueries(IChatRepository chats, IAttachmentStore attachments, GenerationRegistry generation, RemoteReplies remote)
{
    public async Task<(IReadOnlyList<Chat> Chats, bool HasMore)> ListAsync(string? ownerId, ChatListCursor? after, CancellationToken cancellationToken)
    {
        if (ownerId is null)
        {
            return ([], false);
        }

        var page = await chats.ListChatsAsync(ownerId, after, ChatLimits.PageSize + 1, cancellationToken);
        return page.Count > ChatLimits.PageSize ? (page.Take(ChatLimits.PageSize).ToList(), true) : (page, false);
    }

    public Task<Chat?> FindAsync(string? ownerId, Guid chatId, CancellationToken cancellationToken) =>
        ownerId is null ? Task.FromResult<Chat?>(null) : chats.FindChatAsync(ownerId, chatId, cancellationToken);

    /// <summary>A page of a thread: the newest messages (or those before <paramref name="before"/>), oldest first.</summary>
    public async Task<ThreadPage> LoadThreadAsync(string ownerId, Guid chatId, MessageCursor? before, CancellationToken cancellationToken)
    {
        var page = await chats.ListMessagesAsync(ownerId, chatId, before, ChatLimits.PageSize + 1, cancellationToken);
        var hasOlder = page.Count > ChatLimits.PageSize;
        var messages = await attachments.WithAttachmentsAsync(ownerId, chatId, hasOlder ? page.Skip(1).ToList() : page, cancellationToken);
        // A reply may be running here, or on another instance (shown as this instance follows it).
        var running = before is null ? generation.FindRun(ownerId, chatId) ?? await remote.FindRunAsync(ownerId, chatId) : null;
        return new ThreadPage(messages, hasOlder, running);
    }
}
