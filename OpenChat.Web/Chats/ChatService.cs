using Microsoft.Extensions.Options;
using OpenChat.Web.Generation;
using OpenChat.Web.Instances;
using OpenChat.Web.OpenRouter;
using OpenChat.Web.Storage;

namespace OpenChat.Web.Chats;

/// <summary>What people do with chats: list, open, create, send, rename, delete, stop, regenerate, retry.</summary>
public sealed class ChatService(
    IChatRepository chats,
    Telemetry.ProductAnalytics analytics,
    GenerationRegistry generation,
    ReplyKeyResolver keys,
    SidebarPublisher sidebar,
    RemoteReplies remote,
    LiveNoticeQueue instances,
    TimeProvider clock,
    IOptions<OpenRouterOptions> openRouter,
    ModelPicker models)
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
        var messages = hasOlder ? page.Skip(1).ToList() : page;
        // A reply may be running here, or on another instance (shown as this instance follows it).
        var running = before is null ? generation.FindRun(ownerId, chatId) ?? await remote.FindRunAsync(ownerId, chatId) : null;
        return new ThreadPage(messages, hasOlder, running);
    }

    /// <summary>Creates a chat titled after its first message and sends that message.</summary>
    public async Task<ChatResult<SentMessage>> StartChatAsync(string ownerId, string? text, CancellationToken cancellationToken)
    {
        var refusal = Validate(text);
        if (refusal is not null)
        {
            return refusal;
        }

        var key = await keys.ResolveAsync(ownerId, cancellationToken);
        if (key.Refusal is not null)
        {
            return await RefuseAsync(ownerId, key.Refusal, null);
        }

        var model = await models.DefaultModelAsync(ownerId, cancellationToken);
        var now = clock.StorageNow();
        var chat = new Chat(Guid.CreateVersion7(now), ownerId, ChatTitle.FromFirstMessage(text!), false, model, now, now, now);
        await chats.CreateChatAsync(chat, cancellationToken);
        await analytics.CaptureAsync("chat.created", p =>
        {
            p["chat_id"] = chat.Id.ToString("D");
            p["source"] = "composer";
            p["title_length"] = chat.Title.Length;
        });
        return await SendValidatedAsync(ownerId, chat, text!.Trim(), key, cancellationToken);
    }

    public async Task<ChatResult<SentMessage>> SendAsync(string ownerId, Guid chatId, string? text, CancellationToken cancellationToken)
    {
        var refusal = Validate(text);
        if (refusal is not null)
        {
            return refusal;
        }

        var chat = await chats.FindChatAsync(ownerId, chatId, cancellationToken);
        if (chat is null)
        {
            return ChatError.NotFound;
        }

        if (generation.FindRun(ownerId, chatId) is not null || remote.IsRunningIn(ownerId, chatId))
        {
            return ChatError.ReplyRunning;
        }

        var key = await keys.ResolveAsync(ownerId, cancellationToken);
        if (key.Refusal is not null)
        {
            return await RefuseAsync(ownerId, key.Refusal, null);
        }

        return await SendValidatedAsync(ownerId, chat, text!.Trim(), key, cancellationToken);
    }

    /// <summary>Writes the latest reply again: Regenerate on a finished one, Retry on one that failed or was interrupted.</summary>
    public async Task<ChatResult<SentMessage>> RestartReplyAsync(string ownerId, Guid chatId, Guid replyId, CancellationToken cancellationToken)
    {
        var chat = await chats.FindChatAsync(ownerId, chatId, cancellationToken);
        if (chat is null)
        {
            return ChatError.NotFound;
        }

        if (generation.FindRun(ownerId, chatId) is not null || remote.IsRunningIn(ownerId, chatId))
        {
            return ChatError.ReplyRunning;
        }

        var latest = await chats.ListMessagesAsync(ownerId, chatId, null, 2, cancellationToken);
        if (latest.Count < 2 || latest[1].Id != replyId || latest[1].Role != MessageRole.Assistant || latest[0].Role != MessageRole.User)
        {
            return latest.Any(m => m.Id == replyId) ? ChatError.NotLatestReply : ChatError.NotFound;
        }

        var key = await keys.ResolveAsync(ownerId, cancellationToken);
        if (key.Refusal is not null)
        {
            return await RefuseAsync(ownerId, key.Refusal, null);
        }

        var reply = latest[1] with
        {
            Content = string.Empty,
            Status = MessageStatus.Streaming,
            Usage = null,
            ErrorKind = null,
            ModelId = chat.ModelId ?? openRouter.Value.DefaultModel,
            UpdatedAt = clock.StorageNow(),
        };
        await chats.UpdateMessageAsync(ownerId, chatId, new MessageUpdate(reply.Id, string.Empty, MessageStatus.Streaming, null, null, reply.UpdatedAt), cancellationToken);
        return await StartAsync(ownerId, chat, latest[0], reply, key);
    }

    public bool Stop(string ownerId, Guid chatId, Guid replyId)
    {
        if (generation.Stop(ownerId, chatId, replyId))
        {
            return true;
        }

        // Written on another instance: ask it to stop.
        if (remote.IsRunning(ownerId, chatId, replyId))
        {
            instances.Enqueue(LiveNotice.Stop, ownerId, chatId, replyId);
            return true;
        }

        return false;
    }

    public async Task<ChatResult<Chat>> RenameAsync(string ownerId, Guid chatId, string? title, CancellationToken cancellationToken)
    {
        var clean = ChatTitle.Collapse(title ?? string.Empty);
        if (clean.Length == 0)
        {
            return ChatError.EmptyTitle;
        }

        if (clean.Length > Chat.MaxTitleLength)
        {
            return ChatError.TitleTooLong;
        }

        var now = clock.StorageNow();
        if (!await chats.RenameChatAsync(ownerId, chatId, clean, isCustom: true, now, cancellationToken))
        {
            return ChatError.NotFound;
        }

        var renamed = (await chats.FindChatAsync(ownerId, chatId, cancellationToken))!;
        await analytics.CaptureAsync("chat.renamed", p => p["chat_id"] = chatId.ToString("D"));
        sidebar.Publish(ownerId, renamed: renamed);
        return renamed;
    }

    public async Task<bool> DeleteAsync(string ownerId, Guid chatId, CancellationToken cancellationToken)
    {
        generation.FindRun(ownerId, chatId)?.RequestEnd(ReplyEnd.StopRequested);
        var messageCount = analytics.IsEnabled ? (await chats.ListMessagesAsync(ownerId, chatId, null, 1000, cancellationToken)).Count : 0;
        var deleted = await chats.DeleteChatAsync(ownerId, chatId, cancellationToken);
        if (deleted)
        {
            await analytics.CaptureAsync("chat.deleted", p =>
            {
                p["chat_id"] = chatId.ToString("D");
                p["message_count"] = messageCount;
            });
        }

        if (deleted)
        {
            sidebar.Publish(ownerId, deleted: chatId);
        }

        return deleted;
    }

    /// <returns>How many chats were deleted.</returns>
    public async Task<int> DeleteAllAsync(string ownerId, CancellationToken cancellationToken)
    {
        var deleted = 0;
        while (true)
        {
            var page = await chats.ListChatsAsync(ownerId, null, ChatLimits.PageSize, cancellationToken);
            foreach (var chat in page)
            {
                generation.FindRun(ownerId, chat.Id)?.RequestEnd(ReplyEnd.StopRequested);
                if (await chats.DeleteChatAsync(ownerId, chat.Id, cancellationToken))
                {
                    deleted++;
                }
            }

            if (page.Count < ChatLimits.PageSize)
            {
                break;
            }
        }

        sidebar.Publish(ownerId);
        return deleted;
    }

    /// <summary>A refusal; the daily limit is also a rate limit for analytics (<c>chat.rate_limited</c>, policy <c>daily</c>).</summary>
    private async Task<ChatError> RefuseAsync(string ownerId, ChatError refusal, Guid? chatId)
    {
        if (ReferenceEquals(refusal, ChatError.DailyLimit))
        {
            await analytics.CaptureAsync("chat.rate_limited", (p, scope, context) =>
            {
                p["ip_hash"] = scope.IpHash;
                p["origin"] = $"{context.Request.Scheme}://{context.Request.Host}";
                p["policy"] = "daily";
                p["limit"] = keys.DailyLimit(ownerId);
                p["window_ms"] = 86_400_000;
                p["chat_id"] = chatId?.ToString("D");
                p["rate_limit_bucket"] = $"{keys.DailyLimit(ownerId)}/86400000";
            });
        }

        return refusal;
    }

    private static ChatError? Validate(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return ChatError.EmptyMessage;
        }

        return text.Trim().Length > ChatLimits.MaxMessageCharacters ? ChatError.MessageTooLong : null;
    }

    private async Task<ChatResult<SentMessage>> SendValidatedAsync(string ownerId, Chat chat, string text, KeyDecision key, CancellationToken cancellationToken)
    {
        var now = clock.StorageNow();
        var user = new ChatMessage(Guid.CreateVersion7(now), chat.Id, MessageRole.User, text, MessageStatus.Complete, null, null, null, now, now);
        var replyAt = now.AddTicks(10); // one microsecond later: the reply always sorts after its question
        var model = chat.ModelId ?? openRouter.Value.DefaultModel;
        var reply = new ChatMessage(Guid.CreateVersion7(replyAt), chat.Id, MessageRole.Assistant, string.Empty, MessageStatus.Streaming, model, null, null, replyAt, replyAt);
        if (!await chats.AddMessageAsync(ownerId, user, cancellationToken) || !await chats.AddMessageAsync(ownerId, reply, cancellationToken))
        {
            return ChatError.NotFound;
        }

        var result = await StartAsync(ownerId, chat, user, reply, key);
        if (result.Succeeded)
        {
            await analytics.CaptureAsync("chat_message_submitted", p =>
            {
                p["chat_id"] = chat.Id.ToString("D");
                p["model_id"] = reply.ModelId;
                p["characters"] = text.Length;
                p["attachment_count"] = 0;
                p["has_api_key"] = key.Source == KeySource.User;
                p["key_source"] = key.Source.ToWireName();
            });
        }

        sidebar.Publish(ownerId);
        return result;
    }

    private async Task<ChatResult<SentMessage>> StartAsync(string ownerId, Chat chat, ChatMessage user, ChatMessage reply, KeyDecision key)
    {
        var run = generation.TryStart(new ReplyRequest(ownerId, chat.Id, user, reply, reply.ModelId ?? openRouter.Value.DefaultModel, key.ApiKey!)
        {
            KeySource = key.Source,
            RateLimitBucket = key.Source == KeySource.Operator ? $"{keys.DailyLimit(ownerId)}/86400000" : null,
            Telemetry = await analytics.CurrentScopeAsync(),
        });
        if (run is not null)
        {
            await keys.RecordReplyAsync(ownerId, key.Source, CancellationToken.None);
            return new SentMessage(chat, user, reply);
        }

        // Another send to this chat won the race a moment ago: this reply never starts.
        await chats.UpdateMessageAsync(ownerId, chat.Id, new MessageUpdate(reply.Id, string.Empty, MessageStatus.Interrupted, null, null, clock.StorageNow()), CancellationToken.None);
        return ChatError.ReplyRunning;
    }
}
