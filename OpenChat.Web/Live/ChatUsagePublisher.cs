using OpenChat.Web.Chats;
using OpenChat.Web.Chats.Usage;

namespace OpenChat.Web.Live;

/// <summary>When a reply ends, tabs showing its chat get the chat's new total in their header.</summary>
public sealed class ChatUsagePublisher(IUsageReport usage, LiveHub hub, ILogger<ChatUsagePublisher> logger)
{
    public void Publish(string ownerId, Guid chatId, ChatMessage final)
    {
        if (final.Usage is null || !hub.TabsOf(ownerId).Any(t => t.ChatId == chatId))
        {
            return;
        }

        _ = PublishAsync(ownerId, chatId);
    }

    private async Task PublishAsync(string ownerId, Guid chatId)
    {
        try
        {
            var frame = LiveFrames.ChatTotal(await usage.ChatTotalAsync(ownerId, chatId, CancellationToken.None));
            foreach (var tab in hub.TabsOf(ownerId).Where(t => t.ChatId == chatId))
            {
                tab.Send(frame);
            }
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Could not refresh the usage total of open tabs");
        }
    }
}
