using System.Collections.Concurrent;
using OpenChat.Web.Chats;
using OpenChat.Web.Generation;
using OpenChat.Web.Live;

namespace OpenChat.Web.Instances;

/// <summary>
/// Replies running on other instances that tabs on this instance may follow. Fed by <see cref="LiveRelayListener"/>;
/// a tab connecting here gets the reply's snapshot then its deltas, and the stored final state when it ends.
/// </summary>
public sealed class RemoteReplies(
    IChatRepository chats,
    LiveHub hub,
    MarkdownRenderer markdown,
    TimeProvider clock,
    ILogger<RemoteReplies> logger)
{
    private readonly ConcurrentDictionary<Guid, RemoteReply> _byChat = new();

    public int Count => _byChat.Count;

    public bool IsRunning(string ownerId, Guid chatId, Guid replyId) =>
        _byChat.TryGetValue(chatId, out var reply) && reply.OwnerId == ownerId && reply.ReplyId == replyId;

    /// <summary>Whether another instance is writing a reply in this chat (one reply runs per chat, across instances too).</summary>
    public bool IsRunningIn(string ownerId, Guid chatId) =>
        _byChat.TryGetValue(chatId, out var reply) && reply.OwnerId == ownerId;

    /// <summary>The run a tab here can follow for a reply running elsewhere, or null.</summary>
    public async Task<GenerationRun?> FindRunAsync(string ownerId, Guid chatId)
    {
        if (!_byChat.TryGetValue(chatId, out var reply) || reply.OwnerId != ownerId)
        {
            return null;
        }

        return await reply.EnsureRunAsync(() => LoadRunAsync(reply));
    }

    public void OnStart(string ownerId, Guid chatId, Guid replyId)
    {
        var reply = new RemoteReply(ownerId, chatId, replyId);
        _byChat[chatId] = reply;
        if (hub.TabsOf(ownerId).Any(t => t.ChatId == chatId))
        {
            _ = AttachShowingTabsAsync(reply);
        }
    }

    public void OnDelta(string ownerId, Guid chatId, Guid replyId, int offset, string text)
    {
        if (_byChat.TryGetValue(chatId, out var reply) && reply.OwnerId == ownerId && reply.ReplyId == replyId)
        {
            reply.Apply(offset, text, clock.GetUtcNow());
        }
    }

    /// <summary>The reply's final state is stored (it ended on its instance, or was found orphaned): show it to tabs here.</summary>
    public void OnEnd(string ownerId, Guid chatId, Guid replyId)
    {
        RemoteReply? reply = null;
        if (_byChat.TryGetValue(chatId, out var found) && found.OwnerId == ownerId && found.ReplyId == replyId)
        {
            _byChat.TryRemove(new KeyValuePair<Guid, RemoteReply>(chatId, found));
            reply = found;
        }

        if (reply?.Run is not null || hub.TabsOf(ownerId).Any(t => t.ChatId == chatId))
        {
            _ = SendEndAsync(ownerId, chatId, replyId, reply?.Run);
        }
    }

    /// <summary>The replies this instance believes run elsewhere (to check against storage, in case an end was missed).</summary>
    public IReadOnlyList<StaleReply> Followed() =>
        _byChat.Values.Select(r => new StaleReply(r.OwnerId, r.ChatId, r.ReplyId)).ToList();

    public void DetachEverywhere(LiveTab tab)
    {
        if (tab.ChatId is { } chatId && _byChat.TryGetValue(chatId, out var reply))
        {
            reply.Run?.Detach(tab);
        }
    }

    private async Task AttachShowingTabsAsync(RemoteReply reply)
    {
        try
        {
            var run = await reply.EnsureRunAsync(() => LoadRunAsync(reply));
            if (run is null)
            {
                return;
            }

            foreach (var tab in hub.TabsOf(reply.OwnerId))
            {
                if (tab.ChatId == reply.ChatId)
                {
                    run.Attach(tab, isResume: false);
                }
            }
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Could not show a reply running on another instance");
        }
    }

    private async Task<GenerationRun?> LoadRunAsync(RemoteReply reply)
    {
        var (user, stored) = await LoadTurnAsync(reply.OwnerId, reply.ChatId, reply.ReplyId);
        if (user is null || stored is null || stored.Status != MessageStatus.Streaming)
        {
            return null;
        }

        // The text comes from the deltas (from the start on), not from the stored flush.
        var request = new ReplyRequest(reply.OwnerId, reply.ChatId, user, stored with { Content = string.Empty }, stored.ModelId ?? string.Empty, ApiKey: string.Empty);
        return new GenerationRun(request, markdown, clock.GetUtcNow());
    }

    private async Task SendEndAsync(string ownerId, Guid chatId, Guid replyId, GenerationRun? run)
    {
        try
        {
            var (user, final) = await LoadTurnAsync(ownerId, chatId, replyId);
            if (final is null)
            {
                return;
            }

            if (run is not null)
            {
                run.Finish(final);
                run.Dispose();
                return;
            }

            if (user is null)
            {
                return;
            }

            // No tab here followed it live: put the whole stored turn in place.
            var replyView = new MessageView(final, markdown.RenderFinished(final.Content), null, IsLatestReply: true, AntiforgeryToken: null);
            var frame = LiveFrames.Turn(user, replyView, streaming: false);
            foreach (var tab in hub.TabsOf(ownerId))
            {
                if (tab.ChatId == chatId)
                {
                    tab.Send(frame);
                }
            }
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Could not show the end of a reply written on another instance");
        }
    }

    /// <summary>The reply and the question before it, as stored.</summary>
    private async Task<(ChatMessage? User, ChatMessage? Reply)> LoadTurnAsync(string ownerId, Guid chatId, Guid replyId)
    {
        var newest = await chats.ListMessagesAsync(ownerId, chatId, null, 2, CancellationToken.None);
        var index = newest.ToList().FindIndex(m => m.Id == replyId && m.Role == MessageRole.Assistant);
        if (index < 0)
        {
            return (null, null);
        }

        var user = index > 0 && newest[index - 1].Role == MessageRole.User ? newest[index - 1] : null;
        return (user, newest[index]);
    }
}
