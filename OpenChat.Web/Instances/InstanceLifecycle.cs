using Microsoft.Extensions.Options;
using OpenChat.Web.Chats;
using OpenChat.Web.Storage;

namespace OpenChat.Web.Instances;

/// <summary>
/// At start-up, replies a dead process left streaming become interrupted (their text kept): with the file store
/// (one instance) all of them; with Postgres only those whose instance stopped beating, since other instances
/// may be writing theirs. At shutdown (after the running replies are stored) this instance leaves.
/// </summary>
public sealed class InstanceLifecycle(
    IChatRepository chats,
    IOptions<StorageOptions> storage,
    IServiceProvider services,
    TimeProvider clock,
    ILogger<InstanceLifecycle> logger) : IHostedService
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
    }

    /// <remarks>Hosted services stop in reverse order: the replies' lifecycle (registered later) has stored them by now.</remarks>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
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
