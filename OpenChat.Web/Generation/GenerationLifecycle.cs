using OpenChat.Web.Chats;
using OpenChat.Web.Storage;

namespace OpenChat.Web.Generation;

/// <summary>
/// At start-up, replies a dead process left streaming become interrupted (their text kept). At shutdown,
/// live streams close and running replies end as interrupted, stored, before the process exits.
/// </summary>
public sealed class GenerationLifecycle(
    IChatRepository chats,
    GenerationRegistry registry,
    LiveHub hub,
    TimeProvider clock,
    IHostApplicationLifetime lifetime,
    ILogger<GenerationLifecycle> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var interrupted = await chats.InterruptStreamingMessagesAsync(clock.StorageNow(), cancellationToken);
        if (interrupted > 0)
        {
            logger.LogWarning("{Count} reply(ies) left streaming by a previous process are now marked interrupted", interrupted);
        }

        // Before the server waits for open requests to finish: end the live streams and the runs.
        lifetime.ApplicationStopping.Register(() =>
        {
            hub.CloseAll();
            registry.RequestEndAll(ReplyEnd.Shutdown);
        });
    }

    public Task StopAsync(CancellationToken cancellationToken) => registry.StopAllAsync().WaitAsync(cancellationToken);
}
