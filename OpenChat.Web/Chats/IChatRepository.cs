namespace OpenChat.Web.Chats;

/// <summary>
/// Chats and their messages. Every call is scoped to an owner inside the query itself: a chat id that
/// belongs to someone else behaves exactly like one that does not exist.
/// </summary>
public interface IChatRepository
{
    Task CreateChatAsync(Chat chat, CancellationToken cancellationToken);

    Task<Chat?> FindChatAsync(string ownerId, Guid chatId, CancellationToken cancellationToken);

    /// <summary>Most recent activity first (ties broken by id, newest first); <paramref name="after"/> continues a list.</summary>
    Task<IReadOnlyList<Chat>> ListChatsAsync(string ownerId, ChatListCursor? after, int limit, CancellationToken cancellationToken);

    /// <returns>False when the owner has no such chat.</returns>
    Task<bool> RenameChatAsync(string ownerId, Guid chatId, string title, bool isCustom, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>Sets the model the chat's next replies use.</summary>
    /// <returns>False when the owner has no such chat.</returns>
    Task<bool> SetChatModelAsync(string ownerId, Guid chatId, string modelId, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>Deletes the chat and every message in it.</summary>
    /// <returns>False when the owner has no such chat.</returns>
    Task<bool> DeleteChatAsync(string ownerId, Guid chatId, CancellationToken cancellationToken);

    /// <summary>Stores a message and moves the chat's last activity to the message's time.</summary>
    /// <returns>False when the owner has no such chat.</returns>
    Task<bool> AddMessageAsync(string ownerId, ChatMessage message, CancellationToken cancellationToken);

    /// <summary>
    /// The newest <paramref name="limit"/> messages older than <paramref name="before"/> (or the newest overall),
    /// returned oldest first so a page renders top to bottom.
    /// </summary>
    Task<IReadOnlyList<ChatMessage>> ListMessagesAsync(string ownerId, Guid chatId, MessageCursor? before, int limit, CancellationToken cancellationToken);

    /// <summary>Replaces a message's text, status, usage and error (usage and error are replaced, not merged).</summary>
    /// <returns>False when the owner has no such message in that chat.</returns>
    Task<bool> UpdateMessageAsync(string ownerId, Guid chatId, MessageUpdate update, CancellationToken cancellationToken);

    /// <summary>
    /// Marks every reply still <see cref="MessageStatus.Streaming"/> as <see cref="MessageStatus.Interrupted"/>,
    /// keeping its text: run at start-up, when no reply of a previous process can still be running.
    /// </summary>
    /// <returns>How many replies were marked.</returns>
    Task<int> InterruptStreamingMessagesAsync(DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>
    /// Stores a new chat, as given, with all its messages (an import): all or nothing where the store allows it,
    /// and without the per-message work of <see cref="AddMessageAsync"/>.
    /// </summary>
    Task ImportChatAsync(Chat chat, IReadOnlyList<ChatMessage> messages, CancellationToken cancellationToken);

    /// <summary>How much an owner keeps: chats, messages, and bytes of message text (for <see cref="ChatQuotas"/>).</summary>
    Task<OwnerFootprint> FootprintAsync(string ownerId, CancellationToken cancellationToken);
}
