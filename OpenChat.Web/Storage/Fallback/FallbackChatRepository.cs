using OpenChat.Web.Chats;
using OpenChat.Web.Storage.Postgres;

namespace OpenChat.Web.Storage.Fallback;

/// <summary>
/// Chats in Postgres, and in the spool while Postgres is down. During an outage, reads show the spool merged
/// over what this instance last saw in Postgres (<see cref="RecentChats"/>); the first write to a chat that is
/// not in the spool yet copies it there (with the newest page of its thread and any reply being written).
/// </summary>
public sealed class FallbackChatRepository(
    PostgresChatRepository postgres,
    Spool spool,
    RecentChats recent,
    PostgresBreaker breaker,
    FallbackTelemetry telemetry) : IChatRepository, IDisposable
{
    private readonly SemaphoreSlim _copying = new(1, 1);

    public Task CreateChatAsync(Chat chat, CancellationToken cancellationToken) => breaker.RunAsync(
        async () =>
        {
            await postgres.CreateChatAsync(chat, cancellationToken);
            recent.Remember(chat);
            recent.RememberThread(chat.Id, []); // known whole from the start: messages added here join it

            return true;
        },
        async () =>
        {
            await spool.Chats.CreateChatAsync(chat, cancellationToken);
            await telemetry.UsedAsync("create", chat.Id);
            return true;
        },
        cancellationToken);

    public Task<Chat?> FindChatAsync(string ownerId, Guid chatId, CancellationToken cancellationToken) => breaker.RunAsync(
        async () =>
        {
            var chat = await postgres.FindChatAsync(ownerId, chatId, cancellationToken);
            if (chat is not null)
            {
                recent.Remember(chat);
            }

            return chat;
        },
        async () =>
        {
            var chat = await spool.Chats.FindChatAsync(ownerId, chatId, cancellationToken)
                       ?? (spool.HasTombstone(ownerId, chatId) ? null : recent.Find(ownerId, chatId));
            await telemetry.UsedAsync("read", chatId);
            return chat;
        },
        cancellationToken);

    public Task<IReadOnlyList<Chat>> ListChatsAsync(string ownerId, ChatListCursor? after, int limit, CancellationToken cancellationToken) => breaker.RunAsync(
        async () =>
        {
            var chats = await postgres.ListChatsAsync(ownerId, after, limit, cancellationToken);
            foreach (var chat in chats)
            {
                recent.Remember(chat);
            }

            return chats;
        },
        async () =>
        {
            var spooled = await spool.Chats.ListChatsAsync(ownerId, after, int.MaxValue, cancellationToken);
            var ids = spooled.Select(c => c.Id).ToHashSet();
            var remembered = recent.ChatsOf(ownerId)
                .Where(c => !ids.Contains(c.Id) && !spool.HasTombstone(ownerId, c.Id))
                .Where(c => after is null || c.LastMessageAt < after.LastMessageAt || (c.LastMessageAt == after.LastMessageAt && c.Id.CompareTo(after.Id) < 0));
            await telemetry.UsedAsync("list", null);
            return (IReadOnlyList<Chat>)spooled.Concat(remembered)
                .OrderByDescending(c => c.LastMessageAt)
                .ThenByDescending(c => c.Id)
                .Take(limit)
                .ToList();
        },
        cancellationToken);

    public Task<bool> RenameChatAsync(string ownerId, Guid chatId, string title, bool isCustom, DateTimeOffset at, CancellationToken cancellationToken) => breaker.RunAsync(
        async () =>
        {
            var renamed = await postgres.RenameChatAsync(ownerId, chatId, title, isCustom, at, cancellationToken);
            recent.Update(chatId, c => c with { Title = title, TitleIsCustom = isCustom, UpdatedAt = at });
            return renamed;
        },
        async () =>
        {
            var renamed = await CopyIntoSpoolAsync(ownerId, chatId, cancellationToken) &&
                          await spool.Chats.RenameChatAsync(ownerId, chatId, title, isCustom, at, cancellationToken);
            await telemetry.UsedAsync("rename", chatId);
            return renamed;
        },
        cancellationToken);

    public Task<bool> SetChatModelAsync(string ownerId, Guid chatId, string modelId, DateTimeOffset at, CancellationToken cancellationToken) => breaker.RunAsync(
        async () =>
        {
            var set = await postgres.SetChatModelAsync(ownerId, chatId, modelId, at, cancellationToken);
            recent.Update(chatId, c => c with { ModelId = modelId, UpdatedAt = at });
            return set;
        },
        async () =>
        {
            var set = await CopyIntoSpoolAsync(ownerId, chatId, cancellationToken) &&
                      await spool.Chats.SetChatModelAsync(ownerId, chatId, modelId, at, cancellationToken);
            await telemetry.UsedAsync("set_model", chatId);
            return set;
        },
        cancellationToken);

    public Task<bool> DeleteChatAsync(string ownerId, Guid chatId, CancellationToken cancellationToken) => breaker.RunAsync(
        async () =>
        {
            var deleted = await postgres.DeleteChatAsync(ownerId, chatId, cancellationToken);
            recent.Forget(chatId);
            return deleted;
        },
        async () =>
        {
            var known = recent.Find(ownerId, chatId) is not null && !spool.HasTombstone(ownerId, chatId);
            var deleted = await spool.Chats.DeleteChatAsync(ownerId, chatId, cancellationToken);
            // Postgres may hold it too (copied or not): the reconciler deletes it there.
            spool.AddTombstone(ownerId, chatId);
            recent.Forget(chatId);
            await telemetry.UsedAsync("delete", chatId);
            return deleted || known;
        },
        cancellationToken);

    public Task<bool> AddMessageAsync(string ownerId, ChatMessage message, CancellationToken cancellationToken) => breaker.RunAsync(
        async () =>
        {
            var added = await postgres.AddMessageAsync(ownerId, message, cancellationToken);
            if (added)
            {
                recent.Added(ownerId, message);
            }

            return added;
        },
        async () =>
        {
            var added = await CopyIntoSpoolAsync(ownerId, message.ChatId, cancellationToken) &&
                        await spool.Chats.AddMessageAsync(ownerId, message, cancellationToken);
            await telemetry.UsedAsync("send", message.ChatId);
            return added;
        },
        cancellationToken);

    public Task<IReadOnlyList<ChatMessage>> ListMessagesAsync(string ownerId, Guid chatId, MessageCursor? before, int limit, CancellationToken cancellationToken) => breaker.RunAsync(
        async () =>
        {
            var page = await postgres.ListMessagesAsync(ownerId, chatId, before, limit, cancellationToken);
            if (before is null)
            {
                recent.RememberThread(chatId, page);
            }

            return page;
        },
        async () =>
        {
            IReadOnlyList<ChatMessage> page;
            if (await spool.Chats.FindChatAsync(ownerId, chatId, cancellationToken) is not null)
            {
                page = await spool.Chats.ListMessagesAsync(ownerId, chatId, before, limit, cancellationToken);
            }
            else if (recent.Find(ownerId, chatId) is not null && !spool.HasTombstone(ownerId, chatId))
            {
                page = recent.Thread(chatId)
                    .Where(m => before is null || m.CreatedAt < before.CreatedAt || (m.CreatedAt == before.CreatedAt && m.Id.CompareTo(before.Id) < 0))
                    .TakeLast(limit)
                    .ToList();
            }
            else
            {
                page = [];
            }

            await telemetry.UsedAsync("list", chatId);
            return page;
        },
        cancellationToken);

    public Task<bool> UpdateMessageAsync(string ownerId, Guid chatId, MessageUpdate update, CancellationToken cancellationToken) => breaker.RunAsync(
        async () =>
        {
            var updated = await postgres.UpdateMessageAsync(ownerId, chatId, update, cancellationToken);
            if (updated)
            {
                recent.Updated(chatId, update);
            }

            return updated;
        },
        async () =>
        {
            var updated = await CopyIntoSpoolAsync(ownerId, chatId, cancellationToken) &&
                          await spool.Chats.UpdateMessageAsync(ownerId, chatId, update, cancellationToken);
            if (!updated && recent.StreamingReply(ownerId, chatId, update.MessageId) is { } reply &&
                await spool.Chats.FindChatAsync(ownerId, chatId, cancellationToken) is not null)
            {
                // The reply was being written to Postgres when it went away: it continues in the spool.
                updated = await spool.Chats.AddMessageAsync(ownerId, RecentChats.Apply(reply, update), cancellationToken);
            }

            recent.Updated(chatId, update);
            await telemetry.UsedAsync("stream_flush", chatId, update.MessageId);
            return updated;
        },
        cancellationToken);

    public Task<int> InterruptStreamingMessagesAsync(DateTimeOffset at, CancellationToken cancellationToken) => breaker.RunAsync(
        async () =>
        {
            var spooled = await spool.Chats.InterruptStreamingMessagesAsync(at, cancellationToken);
            return spooled + await postgres.InterruptStreamingMessagesAsync(at, cancellationToken);
        },
        async () =>
        {
            // Postgres's leftovers are marked once it answers, before the spool is replayed (PostgresRecovery).
            breaker.InterruptPendingAt ??= at;
            return await spool.Chats.InterruptStreamingMessagesAsync(at, cancellationToken);
        },
        cancellationToken);

    /// <summary>An import is not what the outage view needs: nothing of it is remembered (it shows once listed or read).</summary>
    public Task ImportChatAsync(Chat chat, IReadOnlyList<ChatMessage> messages, CancellationToken cancellationToken) => breaker.RunAsync(
        async () =>
        {
            await postgres.ImportChatAsync(chat, messages, cancellationToken);
            return true;
        },
        async () =>
        {
            await spool.Chats.ImportChatAsync(chat, messages, cancellationToken);
            await telemetry.UsedAsync("create", chat.Id);
            return true;
        },
        cancellationToken);

    /// <summary>While Postgres is down, what the spool holds (quotas are then lenient rather than refusing everyone).</summary>
    public Task<OwnerFootprint> FootprintAsync(string ownerId, CancellationToken cancellationToken) => breaker.RunAsync(
        () => postgres.FootprintAsync(ownerId, cancellationToken),
        () => spool.Chats.FootprintAsync(ownerId, cancellationToken),
        cancellationToken);

    public void Dispose() => _copying.Dispose();

    /// <summary>Makes sure the spool has the chat, copying what this instance knows of it from Postgres.</summary>
    /// <returns>False when neither the spool nor memory knows the chat (or it was deleted during the outage).</returns>
    private async Task<bool> CopyIntoSpoolAsync(string ownerId, Guid chatId, CancellationToken cancellationToken)
    {
        if (await spool.Chats.FindChatAsync(ownerId, chatId, cancellationToken) is not null)
        {
            return true;
        }

        if (spool.HasTombstone(ownerId, chatId) || recent.Find(ownerId, chatId) is not { } chat)
        {
            return false;
        }

        await _copying.WaitAsync(cancellationToken);
        try
        {
            if (await spool.Chats.FindChatAsync(ownerId, chatId, cancellationToken) is not null)
            {
                return true;
            }

            await spool.Chats.CreateChatAsync(chat, cancellationToken);
            var messages = recent.Thread(chatId).ToDictionary(m => m.Id);
            foreach (var reply in recent.StreamingRepliesIn(chatId))
            {
                messages[reply.Id] = reply;
            }

            foreach (var message in messages.Values)
            {
                await spool.Chats.AddMessageAsync(ownerId, message, cancellationToken);
            }

            return true;
        }
        finally
        {
            _copying.Release();
        }
    }
}
