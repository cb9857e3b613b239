using System.Collections.Concurrent;
using OpenChat.Web.Chats;

namespace OpenChat.Web.Storage.Fallback;

/// <summary>
/// What this instance last read from or wrote to Postgres, in memory: chats, the newest page of each thread seen,
/// and replies being written. While Postgres is down, reads show it merged under the spool, and the first write
/// to such a chat copies it into the spool (so a reply that was streaming at the switch keeps being written).
/// Bounded: when full it starts over (it is a convenience for the outage, never the source of truth).
/// </summary>
public sealed class RecentChats
{
    private const int MaxChats = 20_000;
    private const int MaxThreads = 2_000;

    private readonly ConcurrentDictionary<Guid, Chat> _chats = new();
    private readonly ConcurrentDictionary<Guid, IReadOnlyList<ChatMessage>> _threads = new();
    private readonly ConcurrentDictionary<Guid, (string OwnerId, ChatMessage Message)> _streaming = new();

    public void Remember(Chat chat)
    {
        if (_chats.Count >= MaxChats)
        {
            _chats.Clear();
        }

        _chats[chat.Id] = chat;
    }

    public void RememberThread(Guid chatId, IReadOnlyList<ChatMessage> newestPage)
    {
        if (_threads.Count >= MaxThreads)
        {
            _threads.Clear();
        }

        _threads[chatId] = newestPage;
    }

    public Chat? Find(string ownerId, Guid chatId) =>
        _chats.TryGetValue(chatId, out var chat) && chat.OwnerId == ownerId ? chat : null;

    public IEnumerable<Chat> ChatsOf(string ownerId) => _chats.Values.Where(c => c.OwnerId == ownerId);

    public IReadOnlyList<ChatMessage> Thread(Guid chatId) => _threads.TryGetValue(chatId, out var page) ? page : [];

    public void Update(Guid chatId, Func<Chat, Chat> change)
    {
        if (_chats.TryGetValue(chatId, out var chat))
        {
            _chats[chatId] = change(chat);
        }
    }

    public void Added(string ownerId, ChatMessage message)
    {
        if (_threads.TryGetValue(message.ChatId, out var page))
        {
            _threads[message.ChatId] = [.. page.Where(m => m.Id != message.Id), message];
        }

        if (message.Status == MessageStatus.Streaming)
        {
            _streaming[message.Id] = (ownerId, message);
        }

        Update(message.ChatId, c => c with
        {
            LastMessageAt = message.CreatedAt > c.LastMessageAt ? message.CreatedAt : c.LastMessageAt,
            UpdatedAt = message.CreatedAt > c.UpdatedAt ? message.CreatedAt : c.UpdatedAt,
        });
    }

    public void Updated(Guid chatId, MessageUpdate update)
    {
        if (_threads.TryGetValue(chatId, out var page))
        {
            _threads[chatId] = page.Select(m => m.Id == update.MessageId ? Apply(m, update) : m).ToList();
        }

        if (update.Status != MessageStatus.Streaming)
        {
            _streaming.TryRemove(update.MessageId, out _);
        }
        else if (_streaming.TryGetValue(update.MessageId, out var known))
        {
            _streaming[update.MessageId] = (known.OwnerId, Apply(known.Message, update));
        }
    }

    /// <summary>A reply this instance was writing to Postgres, with its latest known state.</summary>
    public ChatMessage? StreamingReply(string ownerId, Guid chatId, Guid messageId) =>
        _streaming.TryGetValue(messageId, out var known) && known.OwnerId == ownerId && known.Message.ChatId == chatId ? known.Message : null;

    public IEnumerable<ChatMessage> StreamingRepliesIn(Guid chatId) =>
        _streaming.Values.Where(s => s.Message.ChatId == chatId).Select(s => s.Message);

    /// <summary>Forgets a chat (deleted, or replayed from the spool: Postgres holds the newer state now).</summary>
    public void Forget(Guid chatId)
    {
        _chats.TryRemove(chatId, out _);
        _threads.TryRemove(chatId, out _);
    }

    public static ChatMessage Apply(ChatMessage message, MessageUpdate update) => message with
    {
        Content = update.Content,
        Status = update.Status,
        Usage = update.Usage,
        ErrorKind = update.ErrorKind,
        UpdatedAt = update.UpdatedAt,
    };
}
