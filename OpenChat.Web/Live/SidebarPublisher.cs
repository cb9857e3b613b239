using OpenChat.Web.Chats;

namespace OpenChat.Web.Live;

/// <summary>
/// Pushes an owner's fresh chat list to each of their open tabs (with that tab's current chat marked), and tells
/// tabs showing a renamed or deleted chat. Other instances hear of the change and do the same for their tabs.
/// </summary>
public sealed class SidebarPublisher(IChatRepository chats, LiveHub hub, ILogger<SidebarPublisher> logger)
{
    /// <summary>Raised on every change made here, so other instances can hear of it: (owner, renamed chat, deleted chat).</summary>
    public event Action<string, Guid?, Guid?>? Published;

    /// <param name="renamed">A chat whose title changed: tabs showing it update their heading and title.</param>
    /// <param name="deleted">A chat that is gone: tabs showing it say so instead of failing on the next send.</param>
    public void Publish(string ownerId, Chat? renamed = null, Guid? deleted = null)
    {
        Published?.Invoke(ownerId, renamed?.Id, deleted);
        if (hub.TabsOf(ownerId).Count == 0)
        {
            return;
        }

        _ = PublishAsync(ownerId, renamed, deleted);
    }

    /// <summary>Another instance changed the owner's chats: refresh the tabs open here (reading the renamed chat from storage).</summary>
    public void PublishLocal(string ownerId, Guid? renamedChatId = null, Guid? deletedChatId = null)
    {
        if (hub.TabsOf(ownerId).Count == 0)
        {
            return;
        }

        _ = PublishRemoteAsync(ownerId, renamedChatId, deletedChatId);
    }

    private async Task PublishRemoteAsync(string ownerId, Guid? renamedChatId, Guid? deletedChatId)
    {
        Chat? renamed = null;
        try
        {
            renamed = renamedChatId is { } id ? await chats.FindChatAsync(ownerId, id, CancellationToken.None) : null;
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Could not read a chat renamed on another instance");
        }

        await PublishAsync(ownerId, renamed, deletedChatId);
    }

    private async Task PublishAsync(string ownerId, Chat? renamed, Guid? deleted)
    {
        try
        {
            var page = await chats.ListChatsAsync(ownerId, null, ChatLimits.PageSize + 1, CancellationToken.None);
            var hasMore = page.Count > ChatLimits.PageSize;
            var items = hasMore ? page.Take(ChatLimits.PageSize).ToList() : page;
            foreach (var tab in hub.TabsOf(ownerId))
            {
                tab.Send(LiveFrames.SidebarChange(items, hasMore, tab.ChatId, renamed, deleted));
            }
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Could not refresh the chat list of open tabs");
        }
    }
}
