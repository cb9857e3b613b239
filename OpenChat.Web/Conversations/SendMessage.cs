using Microsoft.Extensions.Options;
using OpenChat.Web.Chats;
using OpenChat.Web.Chats.Attachments;
using OpenChat.Web.Hosting;
using OpenChat.Web.Live;
using OpenChat.Web.OpenRouter;
using OpenChat.Web.Storage;
using OpenChat.Web.Telemetry;

namespace OpenChat.Web.Conversations;

/// <summary>Sending a message: to a chat, or as the first message of a new chat titled after it.</summary>
public sealed class SendMessage(
    IChatRepository chats,
    IAttachmentStore attachments,
    ReplyChecks checks,
    ReplyStarter starter,
    ModelPicker models,
    SidebarPublisher sidebar,
    ProductAnalytics analytics,
    IOptions<OpenRouterOptions> openRouter,
    TimeProvider clock)
{
    /// <summary>Creates a chat titled after its first message and sends that message.</summary>
    public async Task<ChatResult<SentMessage>> StartChatAsync(string ownerId, string? text, IReadOnlyList<UploadedFile> files, CancellationToken cancellationToken)
    {
        if ((ReplyChecks.CheckText(text) ?? await checks.CheckRunningLimitAsync(ownerId, null)) is { } refusal)
        {
            return refusal;
        }

        var model = await models.DefaultModelAsync(ownerId, cancellationToken);
        var (checkedFiles, fileRefusal) = await checks.CheckFilesAsync(null, model, files, cancellationToken);
        if (fileRefusal is not null)
        {
            return fileRefusal;
        }

        var (key, keyRefusal) = await checks.ResolveKeyAsync(ownerId, model, cancellationToken);
        if (keyRefusal is not null)
        {
            return keyRefusal;
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
        return await SendCheckedAsync(ownerId, chat, text!.Trim(), checkedFiles, key, cancellationToken);
    }

    public async Task<ChatResult<SentMessage>> SendAsync(string ownerId, Guid chatId, string? text, IReadOnlyList<UploadedFile> files, CancellationToken cancellationToken)
    {
        if (ReplyChecks.CheckText(text) is { } textRefusal)
        {
            return textRefusal;
        }

        var chat = await chats.FindChatAsync(ownerId, chatId, cancellationToken);
        if (chat is null)
        {
            return ChatError.NotFound;
        }

        if (await checks.CheckChatIsFreeAsync(ownerId, chatId) is { } busy)
        {
            return busy;
        }

        var (checkedFiles, fileRefusal) = await checks.CheckFilesAsync(chat.Id, chat.ModelId ?? openRouter.Value.DefaultModel, files, cancellationToken);
        if (fileRefusal is not null)
        {
            return fileRefusal;
        }

        var (key, keyRefusal) = await checks.ResolveKeyAsync(ownerId, chat.ModelId ?? openRouter.Value.DefaultModel, cancellationToken);
        if (keyRefusal is not null)
        {
            return keyRefusal;
        }

        return await SendCheckedAsync(ownerId, chat, text!.Trim(), checkedFiles, key, cancellationToken);
    }

    private async Task<ChatResult<SentMessage>> SendCheckedAsync(
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

        var result = await starter.StartAsync(ownerId, chat, user, reply, key);
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
}
