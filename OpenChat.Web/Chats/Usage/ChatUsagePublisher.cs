using OpenChat.Web.Generation;

namespace OpenChat.Web.Chats.Usage;

/// <summary>When a reply ends, tabs showing its chat get the chat's new total in their header.</summary>
public sealed class ChatUsagePublisher(GenerationRegistry registry, IUsageReport usage, LiveHub hub, ILogger<ChatUsagePublisher> logger)
    : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        registry.ReplyFinished += OnReplyFinished;
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        registry.ReplyFinished -= OnReplyFinished;
        return Task.CompletedTask;
    }

    private void OnReplyFinished(GenerationRun run, ChatMessage final)
    {
        if (final.Usage is null || !hub.TabsOf(run.Request.OwnerId).Any(t => t.ChatId == run.ChatId))
        {
            return;
        }

        _ = PublishAsync(run.Request.OwnerId, run.ChatId);
    }

    private async Task PublishAsync(string ownerId, Guid chatId)
    {
        try
        {
            var totals = await usage.ChatTotalAsync(ownerId, chatId, CancellationToken.None);
            var frame = SseFrame.Create("oob", ChatUsageMarkup.Total(totals, oob: true));
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
