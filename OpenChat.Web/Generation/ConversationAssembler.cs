using Microsoft.Extensions.Options;
using OpenChat.Web.Chats;
using OpenChat.Web.Chats.Attachments;
using OpenChat.Web.OpenRouter;

namespace OpenChat.Web.Generation;

/// <summary>
/// The conversation sent upstream for a reply: the messages before it (up to <see cref="GenerationOptions.HistoryMessages"/>)
/// with the files the model can read, within <see cref="AttachmentLimits.MaxUpstreamBytes"/>.
/// </summary>
public sealed class ConversationAssembler(IChatRepository chats, IAttachmentStore attachments, IOptions<GenerationOptions> options)
{
    public async Task<IReadOnlyList<ConversationTurn>> LoadAsync(ReplyRequest request, CancellationToken cancellationToken)
    {
        var before = new MessageCursor(request.Reply.CreatedAt, request.Reply.Id);
        var history = await chats.ListMessagesAsync(request.OwnerId, request.ChatId, before, options.Value.HistoryMessages, cancellationToken);
        var userIds = history.Where(m => m.Role == MessageRole.User).Select(m => m.Id).ToHashSet();
        var files = userIds.Count == 0 ? [] : await attachments.ListAsync(request.OwnerId, request.ChatId, userIds, cancellationToken);
        var byMessage = files.ToLookup(a => a.MessageId);
        var turns = new List<ConversationTurn>(history.Count);
        var budget = AttachmentLimits.MaxUpstreamBytes;

        // Newest first, so the question being answered always carries its files and older ones share what is left.
        for (var i = history.Count - 1; i >= 0; i--)
        {
            var message = history[i];
            if (message.Id == request.Reply.Id || message.Content.Length == 0)
            {
                continue;
            }

            var sent = new List<StoredAttachment>();
            var omitted = new List<ChatAttachment>();
            foreach (var file in byMessage[message.Id])
            {
                var readable = file.Kind switch
                {
                    AttachmentKind.Image => request.ModelInputs.Images,
                    AttachmentKind.Pdf => request.ModelInputs.Files,
                    _ => true,
                };
                var stored = readable && file.SizeBytes <= budget
                    ? await attachments.FindAsync(request.OwnerId, request.ChatId, file.Id, cancellationToken)
                    : null;
                if (stored is null)
                {
                    omitted.Add(file);
                    continue;
                }

                budget -= file.SizeBytes;
                sent.Add(stored);
            }

            turns.Add(new ConversationTurn(message.Role, message.Content) { Attachments = sent, Omitted = omitted });
        }

        turns.Reverse();
        return turns;
    }
}
