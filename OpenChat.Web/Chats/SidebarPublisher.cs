using OpenChat.Web.Generation;

namespace OpenChat.Web.Chats;

/// <summary>Pushes an owner's fresh chat list to each of their open tabs (with that tab's current chat marked).</summary>
public sealed class SidebarPublisher(IChatRepository chats, LiveHub hub, ILogger<SidebarPublisher> logger)
{
    public void Publish(string ownerId)
    {
        if (hub.TabsOf(ownerId).Count == 0)
        {
            return;
        }

        _ = PublishAsync(ownerId);
    }

    private async Task PublishAsync(string ownerId)
    {
        try
        {
            var page = await chats.ListChatsAsync(ownerId, null, ChatLimits.PageSize + 1, CancellationToken.None);
            var hasMore = page.Count > ChatLimits.PageSize;
            var items = hasMore ? page.Take(ChatLimits.PageSize).ToList() : page;
            foreach (var tab in hub.TabsOf(ownerId))
            {
                tab.Send(Generation.SseFrame.Create("oob", ChatListMarkup.ListOob(items, tab.ChatId, hasMore)));
            }
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Could not refresh the chat list of open tabs");
        }
    }
}
