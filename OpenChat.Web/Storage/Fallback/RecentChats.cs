using OpenChat.Web.Chats;

namespace OpenChat.Web.Storage.Fallback;

/// <summary>
/// What this instance last read from or wrote to Postgres, in memory, for the outage view: chats, the newest page
/// of each thread seen, and replies being written. While Postgres is down, reads show it merged under the spool,
/// and the first write to such a chat copies it into the spool (so a reply that was streaming at the switch keeps
/// being written). Only what that view needs is kept, within a byte budget (least recently used forgotten first);
/// imports put nothing here. It is a convenience for the outage, never the source of truth.
/// </summary>
public sealed class RecentChats
{
    public const int MaxChats = 20_000;
    public const long MaxChatBytes = 8L * 1024 * 1024;
    public const int MaxThreads = 2_000;
    public const long MaxThreadBytes = 32L * 1024 * 1024;
    public const long MaxStreamingBytes = 16L * 1024 * 1024;

    /// <summary>Messages kept per thread: the page a thread opens on (and the one more that says whether there are older ones).</summary>
    public const int PageLength = ChatLimits.PageSize + 1;

    private readonly LastSeen<Guid, Chat> _chats = new(MaxChats, MaxChatBytes, SizeOf);
    private readonly LastSeen<Guid, IReadOnlyList<ChatMessage>> _threads = new(MaxThreads, MaxThreadBytes, page => page.Sum(SizeOf) + 64);
    private readonly LastSeen<Guid, (string OwnerId, ChatMessage Message)> _streaming = new(MaxThreads, MaxStreamingBytes, s => SizeOf(s.Message) + (2L * s.OwnerId.Length));

    /// <summary>Estimated bytes held (chats, threads and replies being written).</summary>
    public long TrackedBytes => _chats.Bytes + _threads.Bytes + _streaming.Bytes;

    public void Remember(Chat chat) => _chats.Set(chat.Id, chat);

    public void RememberThread(Guid chatId, IReadOnlyList<ChatMessage> newestPage) => _threads.Set(chatId, Newest(newestPage));

    public Chat? Find(string ownerId, Guid chatId) =>
        _chats.TryGet(chatId, out var chat) && chat.OwnerId == ownerId ? chat : null;

    public IEnumerable<Chat> ChatsOf(string ownerId) => _chats.Values().Where(c => c.OwnerId == ownerId);

    public IReadOnlyList<ChatMessage> Thread(Guid chatId) => _threads.TryGet(chatId, out var page) ? page : [];

    public void Update(Guid chatId, Func<Chat, Chat> change) => _chats.Update(chatId, change);

    public void Added(string ownerId, ChatMessage message)
    {
        _threads.Update(message.ChatId, page => Newest([.. page.Where(m => m.Id != message.Id), message]));
        if (message.Status == MessageStatus.Streaming)
        {
            _streaming.Set(message.Id, (ownerId, message));
        }

        Update(message.ChatId, c => c with
        {
            LastMessageAt = message.CreatedAt > c.LastMessageAt ? message.CreatedAt : c.LastMessageAt,
            UpdatedAt = message.CreatedAt > c.UpdatedAt ? message.CreatedAt : c.UpdatedAt,
        });
    }

    public void Updated(Guid chatId, MessageUpdate update)
    {
        _threads.Update(chatId, page => page.Any(m => m.Id == update.MessageId)
            ? page.Select(m => m.Id == update.MessageId ? Apply(m, update) : m).ToList()
            : page);
        if (update.Status != MessageStatus.Streaming)
        {
            _streaming.Remove(update.MessageId);
        }
        else
        {
            _streaming.Update(update.MessageId, known => (known.OwnerId, Apply(known.Message, update)));
        }
    }

    /// <summary>A reply this instance was writing to Postgres, with its latest known state.</summary>
    public ChatMessage? StreamingReply(string ownerId, Guid chatId, Guid messageId) =>
        _streaming.TryGet(messageId, out var known) && known.OwnerId == ownerId && known.Message.ChatId == chatId ? known.Message : null;

    public IEnumerable<ChatMessage> StreamingRepliesIn(Guid chatId) =>
        _streaming.Values().Where(s => s.Message.ChatId == chatId).Select(s => s.Message);

    /// <summary>Forgets a chat (deleted, or replayed from the spool: Postgres holds the newer state now).</summary>
    public void Forget(Guid chatId)
    {
        _chats.Remove(chatId);
        _threads.Remove(chatId);
    }

    public static ChatMessage Apply(ChatMessage message, MessageUpdate update) => message with
    {
        Content = update.Content,
        Status = update.Status,
        Usage = update.Usage,
        ErrorKind = update.ErrorKind,
        UpdatedAt = update.UpdatedAt,
    };

    private static IReadOnlyList<ChatMessage> Newest(IReadOnlyList<ChatMessage> page) =>
        page.Count <= PageLength ? page : page.OrderBy(m => m.CreatedAt).ThenBy(m => m.Id).TakeLast(PageLength).ToList();

    // Two bytes a character plus the object overhead, roughly: a bound, not an accounting.
    private static long SizeOf(ChatMessage m) => 160 + (2L * (m.Content.Length + (m.ModelId?.Length ?? 0) + (m.ErrorKind?.Length ?? 0)));

    private static long SizeOf(Chat c) => 160 + (2L * (c.Title.Length + c.OwnerId.Length + (c.ModelId?.Length ?? 0)));
}
