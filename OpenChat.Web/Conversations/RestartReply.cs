using Microsoft.Extensions.Options;
using OpenChat.Web.Chats;
using OpenChat.Web.Chats.Attachments;
using OpenChat.Web.Hosting;
using OpenChat.Web.OpenRouter;
using OpenChat.Web.Storage;

namespace OpenChat.Web.Conversations;

/// <summary>Writes the latest reply again: Regenerate on a finished one, Retry on one that failed or was interrupted.</summary>
public sealed class RestartReply(
    IChatRepository chats,
    IAttachmentStore attachments,
    ReplyChecks checks,
    ReplyStarter starter,
    IOptions<OpenRouterOptions> openRouter,
    TimeProvider clock)
{
    public async Task<ChatResult<SentMessage>> RestartAsync(string ownerId, Guid chatId, Guid replyId, CancellationToken cancellationToken)
    {
        var chat = await chats.FindChatAsync(ownerId, chatId, cancellationToken);
        if (chat is null)
        {
            return ChatError.NotFound;
        }

        if (await checks.CheckChatIsFreeAsync(ownerId, chatId) is { } busy)
        {
            return busy;
        }

        var latest = await chats.ListMessagesAsync(ownerId, chatId, null, 2, cancellationToken);
        if (latest.Count < 2 || latest[1].Id != replyId || latest[1].Role != MessageRole.Assistant || latest[0].Role != MessageRole.User)
        {
            return latest.Any(m => m.Id == replyId) ? ChatError.NotLatestReply : ChatError.NotFound;
        }

        var (key, keyRefusal) = await checks.ResolveKeyAsync(ownerId, chat.ModelId ?? openRouter.Value.DefaultModel, cancellationToken);
        if (keyRefusal is not null)
        {
            return keyRefusal;
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
        var question = (await attachments.WithAttachmentsAsync(ownerId, chatId, [latest[0]], cancellationToken))[0];
        return await starter.StartAsync(ownerId, chat, question, reply, key);
    }
}
