using OpenChat.Web.Chats;
using OpenChat.Web.Generation;
using OpenChat.Web.Live;
using OpenChat.Web.Telemetry;

namespace OpenChat.Web.Conversations;

/// <summary>Deletes one chat, or all of an owner's chats; a reply still being written in them stops.</summary>
public sealed class DeleteChats(IChatRepository chats, GenerationRegistry generation, SidebarPublisher sidebar, ProductAnalytics analytics)
{
    public async Task<bool> DeleteAsync(string ownerId, Guid chatId, CancellationToken cancellationToken)
    {
        generation.FindRun(ownerId, chatId)?.RequestEnd(ReplyEnd.StopRequested);
        var messageCount = analytics.IsEnabled ? (await chats.ListMessagesAsync(ownerId, chatId, null, 1000, cancellationToken)).Count : 0;
        if (!await chats.DeleteChatAsync(ownerId, chatId, cancellationToken))
        {
            return false;
        }

        await analytics.CaptureAsync("chat.deleted", p =>
        {
            p["chat_id"] = chatId.ToString("D");
            p["message_count"] = messageCount;
        });
        sidebar.Publish(ownerId, deleted: chatId);
        return true;
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
}
