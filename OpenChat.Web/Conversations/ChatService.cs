using Microsoft.Extensions.Options;
using OpenChat.Web.Chats;
using OpenChat.Web.Chats.Attachments;
using OpenChat.Web.Generation;
using OpenChat.Web.Instances;
using OpenChat.Web.Live;
using OpenChat.Web.OpenRouter;
using OpenChat.Web.Storage;

namespace OpenChat.Web.Conversations;

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
    IOptions<Platform.RateLimiting.RateLimitOptions> rateLimits,
    ModelPicker models,
    IAttachmentStore attachments)
{
    private int MaxRunningReplies => rateLimits.Value.RunningReplies.PermitLimit;

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
        var messages = await WithAttachmentsAsync(ownerId, chatId, hasOlder ? page.Skip(1).ToList() : page, cancellationToken);
        // A reply may be running here, or on another instance (shown as this instance follows it).
        var running = before is null ? generation.FindRun(ownerId, chatId) ?? await remote.FindRunAsync(ownerId, chatId) : null;
        return new ThreadPage(messages, hasOlder, running);
    }

    /// <summary>Creates a chat titled after its first message and sends that message.</summary>
    public async Task<ChatResult<SentMessage>> StartChatAsync(string ownerId, string? text, IReadOnlyList<UploadedFile> files, CancellationToken cancellationToken)
    {
        var refusal = Validate(text);
        if (refusal is not null)
        {
            return refusal;
        }

        if (await RefuseIfTooManyRunningAsync(ownerId, null) is { } busy)
        {
            return busy;
        }

        var model = await models.DefaultModelAsync(ownerId, cancellationToken);
        var (checkedFiles, fileRefusal) = await CheckFilesAsync(null, model, files, cancellationToken);
        if (fileRefusal is not null)
        {
            return fileRefusal;
        }

        var key = await keys.ResolveAsync(ownerId, model, cancellationToken);
        if (key.Refusal is not null)
        {
            return await RefuseAsync(ownerId, key.Refusal, null);
        }

        var now = clock.StorageNow();
        var chat = new Chat(Guid.CreateVersion7(now), ownerId, ChatTitle.FromFirstMessage(text!), false, model, now, now, now);
        await chats.CreateChatAsync(chat, cancellationToken);
        await analytics.CaptureAsync("chat.created", p =>
        {
            p["chat_id"] = chat.Id.ToString("D");
            p["source"] = "composer";
            p["title_length"] = chat.Title.Length;
        });
        return await SendValidatedAsync(ownerId, chat, text!.Trim(), checkedFiles, key, cancellationToken);
    }

    public async Task<ChatResult<SentMessage>> SendAsync(string ownerId, Guid chatId, string? text, IReadOnlyList<UploadedFile> files, CancellationToken cancellationToken)
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

        if (await RefuseIfTooManyRunningAsync(ownerId, chatId) is { } busy)
        {
            return busy;
        }

        var (checkedFiles, fileRefusal) = await CheckFilesAsync(chat.Id, chat.ModelId ?? openRouter.Value.DefaultModel, files, cancellationToken);
        if (fileRefusal is not null)
        {
            return fileRefusal;
        }

        var key = await keys.ResolveAsync(ownerId, chat.ModelId ?? openRouter.Value.DefaultModel, cancellationToken);
        if (key.Refusal is not null)
        {
            return await RefuseAsync(ownerId, key.Refusal, null);
        }

        return await SendValidatedAsync(ownerId, chat, text!.Trim(), checkedFiles, key, cancellationToken);
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

        if (await RefuseIfTooManyRunningAsync(ownerId, chatId) is { } busy)
        {
            return busy;
        }

        var latest = await chats.ListMessagesAsync(ownerId, chatId, null, 2, cancellationToken);
        if (latest.Count < 2 || latest[1].Id != replyId || latest[1].Role != MessageRole.Assistant || latest[0].Role != MessageRole.User)
        {
            return latest.Any(m => m.Id == replyId) ? ChatError.NotLatestReply : ChatError.NotFound;
        }

        var key = await keys.ResolveAsync(ownerId, chat.ModelId ?? openRouter.Value.DefaultModel, cancellationToken);
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
        var question = (await WithAttachmentsAsync(ownerId, chatId, [latest[0]], cancellationToken))[0];
        return await StartAsync(ownerId, chat, question, reply, key);
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

        // Deleted in the moment since (another tab, another instance): as if it had not been there.
        if (await chats.FindChatAsync(ownerId, chatId, cancellationToken) is not { } renamed)
        {
            return ChatError.NotFound;
        }

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

    /// <summary>
    /// Stops every reply of the owner being written on this instance and waits until each is stored (an account about
    /// to be deleted must not leave a reply streaming, and paying, into it, nor its streaming marker behind).
    /// </summary>
    public Task StopAllRepliesAsync(string ownerId) => generation.StopOwnerAsync(ownerId);

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
        if (refusal.IsDailyLimit)
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

    /// <summary>The owner's running replies are at the limit: a 429 (policy <c>concurrency</c>), counted for analytics.</summary>
    private async Task<ChatError?> RefuseIfTooManyRunningAsync(string ownerId, Guid? chatId)
    {
        if (generation.RunningFor(ownerId) < MaxRunningReplies)
        {
            return null;
        }

        var refusal = ChatError.TooManyRunningReplies(MaxRunningReplies);
        await refusal.RateLimit!.CaptureAsync(analytics, chatId);
        return refusal;
    }

    private static ChatError? Validate(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return ChatError.EmptyMessage;
        }

        // Browsers post a line break as CRLF but count it (and show it) as one character, as the composer's counter does.
        return text.Trim().Replace("\r\n", "\n", StringComparison.Ordinal).Length > ChatLimits.MaxMessageCharacters ? ChatError.MessageTooLong : null;
    }

    private async Task<ChatResult<SentMessage>> SendValidatedAsync(
        string ownerId, Chat chat, string text, IReadOnlyList<CheckedFile> files, KeyDecision key, CancellationToken cancellationToken)
    {
        var now = clock.StorageNow();
        var userId = Guid.CreateVersion7(now);
        var stored = files.Select(f => new StoredAttachment(
            new ChatAttachment(Guid.CreateVersion7(now), chat.Id, userId, f.FileName, f.MediaType, f.Kind, f.Content.LongLength, now), f.Content)).ToList();
        var user = new ChatMessage(userId, chat.Id, MessageRole.User, text, MessageStatus.Complete, null, null, null, now, now)
        {
            Attachments = stored.Select(a => a.Attachment).ToList(),
        };
        var replyAt = now.AddTicks(10); // one microsecond later: the reply always sorts after its question
        var model = chat.ModelId ?? openRouter.Value.DefaultModel;
        var reply = new ChatMessage(Guid.CreateVersion7(replyAt), chat.Id, MessageRole.Assistant, string.Empty, MessageStatus.Streaming, model, null, null, replyAt, replyAt);
        if (!await chats.AddMessageAsync(ownerId, user, cancellationToken)
            || !await attachments.AddAsync(ownerId, stored, cancellationToken)
            || !await chats.AddMessageAsync(ownerId, reply, cancellationToken))
        {
            return ChatError.NotFound;
        }

        foreach (var file in stored)
        {
            await analytics.CaptureAsync("chat.attachment_event", p =>
            {
                p["chat_id"] = chat.Id.ToString("D");
                p["result"] = "accepted";
                p["file_mime"] = file.Attachment.MediaType;
                p["file_size_bytes"] = file.Attachment.SizeBytes;
                p["limit_bytes"] = AttachmentLimits.MaxFileBytes;
            });
        }

        var result = await StartAsync(ownerId, chat, user, reply, key);
        if (result.Succeeded)
        {
            await analytics.CaptureAsync("chat_message_submitted", p =>
            {
                p["chat_id"] = chat.Id.ToString("D");
                p["model_id"] = reply.ModelId;
                p["characters"] = text.Length;
                p["attachment_count"] = files.Count;
                p["has_api_key"] = key.Source == KeySource.User;
                p["key_source"] = key.Source.ToWireName();
            });
        }

        sidebar.Publish(ownerId);
        return result;
    }

    private async Task<ChatResult<SentMessage>> StartAsync(string ownerId, Chat chat, ChatMessage user, ChatMessage reply, KeyDecision key)
    {
        var modelId = reply.ModelId ?? openRouter.Value.DefaultModel;
        var run = generation.TryStart(new ReplyRequest(ownerId, chat.Id, user, reply, modelId, key.ApiKey!)
        {
            // From memory, so a plain send never waits for the catalogue (a send with files already did, in its check).
            ModelInputs = models.CurrentInputs(modelId),
            KeySource = key.Source,
            RateLimitBucket = key.Source == KeySource.Operator ? $"{keys.DailyLimit(ownerId)}/86400000" : null,
            Telemetry = await analytics.CurrentScopeAsync(),
            AfterStored = key.Ledger is { } entry ? final => RecordCostAsync(entry, final) : null,
        }, MaxRunningReplies);
        if (run is not null)
        {
            await keys.RecordReplyAsync(ownerId, key, CancellationToken.None);
            return new SentMessage(chat, user, reply);
        }

        // Another send (to this chat, or one more of the owner's replies) won the race a moment ago: this reply never starts.
        await chats.UpdateMessageAsync(ownerId, chat.Id, new MessageUpdate(reply.Id, string.Empty, MessageStatus.Interrupted, null, null, clock.StorageNow()), CancellationToken.None);
        return generation.FindRun(ownerId, chat.Id) is null && await RefuseIfTooManyRunningAsync(ownerId, chat.Id) is { } busy
            ? busy
            : ChatError.ReplyRunning;
    }

    /// <summary>What an operator-key reply cost counts towards the operator's daily budget.</summary>
    private Task RecordCostAsync(OpenRouter.OperatorReply entry, ChatMessage final) =>
        final.Usage?.CostUsd is { } cost and > 0 ? keys.RecordCostAsync(entry, cost, CancellationToken.None) : Task.CompletedTask;

    /// <summary>Checks a send's files against the limits and the model; a refusal is also a <c>chat.attachment_event</c>.</summary>
    private async Task<(IReadOnlyList<CheckedFile> Files, ChatError? Refusal)> CheckFilesAsync(
        Guid? chatId, string modelId, IReadOnlyList<UploadedFile> files, CancellationToken cancellationToken)
    {
        if (files.Count == 0)
        {
            return ([], null);
        }

        var (checkedFiles, refusal) = AttachmentCheck.Check(files, await models.InputsAsync(modelId, cancellationToken));
        if (refusal is null)
        {
            return (checkedFiles, null);
        }

        await analytics.CaptureAsync("chat.attachment_event", p =>
        {
            p["chat_id"] = chatId?.ToString("D");
            p["result"] = "rejected";
            p["reason"] = refusal.Reason;
            p["file_mime"] = refusal.FileMime;
            p["file_size_bytes"] = refusal.FileSizeBytes;
            p["limit_bytes"] = refusal.LimitBytes;
        });
        return ([], refusal.Error);
    }

    /// <summary>The messages with their attachments' metadata (people's messages only carry files).</summary>
    private async Task<IReadOnlyList<ChatMessage>> WithAttachmentsAsync(string ownerId, Guid chatId, IReadOnlyList<ChatMessage> messages, CancellationToken cancellationToken)
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
