using Microsoft.Extensions.Options;
using OpenChat.Web.Chats;
using OpenChat.Web.Instances;
using OpenChat.Web.Storage;

namespace OpenChat.Web.Generation;

/// <summary>
/// At start-up, replies a dead process left streaming become interrupted (their text kept): with the file store
/// (one instance) all of them; with Postgres only those whose instance stopped beating, since other instances
/// may be writing theirs. At shutdown, live streams close and running replies end as interrupted, stored,
/// before the process exits.
/// </summary>
public sealed class GenerationLifecycle(
    IChatRepository chats,
    GenerationRegistry registry,
    LiveHub hub,
    IOptions<StorageOptions> storage,
    IServiceProvider services,
    TimeProvider clock,
    IHostApplicationLifetime lifetime,
    ILogger<GenerationLifecycle> logger) : IHostedService
{
    private bool Shared => storage.Value.Backend == StorageBackend.Postgres;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (Shared)
        {
            // Beats before the first request, so no other instance takes this one's replies for orphans.
            try
            {
                await services.GetRequiredService<InstanceHeartbeat>().BeatAndSweepAsync(cancellationToken);
            }
            catch (Exception e) when (e is Npgsql.NpgsqlException or TimeoutException)
            {
                // Postgres is away: the heartbeat keeps trying in the background.
                logger.LogWarning("Could not record this instance's first heartbeat ({Error})", e.GetType().Name);
            }
        }
        else
        {
            var interrupted = await chats.InterruptStreamingMessagesAsync(clock.StorageNow(), cancellationToken);
            if (interrupted > 0)
            {
                logger.LogWarning("{Count} reply(ies) left streaming by a previous process are now marked interrupted", interrupted);
            }
        }

        // Before the server waits for open requests to finish: end the live streams and the runs.
        lifetime.ApplicationStopping.Register(() =>
        {
            hub.CloseAll();
            registry.RequestEndAll(ReplyEnd.Shutdown);
        });
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await registry.StopAllAsync().WaitAsync(cancellationToken);
        if (Shared)
        {
            try
            {
                await services.GetRequiredService<InstanceRepository>().LeaveAsync(cancellationToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogInformation("Could not remove this instance's heartbeat ({Error}); it expires on its own", e.GetType().Name);
            }
        }
    }
}
