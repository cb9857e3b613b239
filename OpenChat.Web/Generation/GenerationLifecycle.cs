using OpenChat.Web.Chats;
using OpenChat.Web.Live;

namespace OpenChat.Web.Generation;

/// <summary>
/// While the app runs, tabs showing a chat get its new usage total when a reply ends. At shutdown, live streams
/// close and running replies end as interrupted, stored, before the process exits.
/// </summary>
public sealed class GenerationLifecycle(
    GenerationRegistry registry,
    LiveHub hub,
    ChatUsagePublisher usage,
    IHostApplicationLifetime lifetime) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        registry.ReplyFinished += OnReplyFinished;

        // Before the server waits for open requests to finish: end the live streams and the runs.
        lifetime.ApplicationStopping.Register(() =>
        {
            hub.CloseAll();
            registry.RequestEndAll(ReplyEnd.Shutdown);
        });
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await registry.StopAllAsync().WaitAsync(cancellationToken);
        registry.ReplyFinished -= OnReplyFinished;
    }

    private void OnReplyFinished(GenerationRun run, ChatMessage final) => usage.Publish(run.Request.OwnerId, run.ChatId, final);
}
