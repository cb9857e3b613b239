using OpenChat.Web.Generation;
using OpenChat.Web.Instances;

namespace OpenChat.Web.Chats;

/// <summary>
/// Pushes an owner's fresh chat list to each of their open tabs (with that tab's current chat marked), and tells
/// tabs showing a renamed or deleted chat. Other instances hear of the change and do the same for their tabs.
/// </summary>
public sealed class SidebarPublisher(IChatRepository chats, LiveHub hub, LiveNoticeQueue instances, ILogger<SidebarPublisher> logger)
{
    /// <param name="renamed">A chat whose title changed: tabs showing it update their heading and title.</param>
    /// <param name="deleted">A chat that is gone: tabs showing it say so instead of failing on the next send.</param>
    public void Publish(string ownerId, Chat? renamed = null, Guid? deleted = null)
    {
        instances.Enqueue(deleted is null ? LiveNotice.Sidebar : LiveNotice.Deleted, ownerId, deleted ?? renamed?.Id);
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

    private static string ShownChatChange(Chat? renamed, Guid? deleted, Guid? shown)
    {
        if (shown is null)
        {
            return string.Empty;
        }

        if (renamed?.Id == shown)
        {
            var title = Html.Encode(renamed.Title);
            return $"<h1 class=\"thread-title\" id=\"thread-title\" hx-swap-oob=\"true\">{title}</h1><title>{title} · OpenChat</title>";
        }

        return deleted == shown
            ? "<section id=\"thread\" class=\"thread messages\" hx-swap-oob=\"true\"><div class=\"empty\" role=\"status\"><p class=\"empty-title\">This chat was deleted</p><p><a href=\"/chat\">Start a new chat</a></p></div></section>" +
              "<div id=\"composer-action\" hx-swap-oob=\"true\"><button type=\"submit\" class=\"btn btn-primary composer-send\" disabled>Send</button></div>"
            : string.Empty;
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
                tab.Send(SseFrame.Create("oob", ChatListMarkup.ListOob(items, tab.ChatId, hasMore) + ShownChatChange(renamed, deleted, tab.ChatId)));
            }
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Could not refresh the chat list of open tabs");
        }
    }
}
