using Microsoft.Extensions.Options;
using OpenChat.Web.Hosting;
using OpenChat.Web.Storage;

namespace OpenChat.Web.Instances;

/// <summary>
/// With Postgres: records every <see cref="InstanceOptions.HeartbeatInterval"/> that this instance is alive, and marks
/// interrupted the replies of instances that stopped beating (a crash, a killed container), telling every tab.
/// </summary>
public sealed class InstanceHeartbeat(
    InstanceRepository instances,
    RemoteReplies remote,
    LiveNoticeQueue notices,
    IOptions<InstanceOptions> options,
    TimeProvider clock,
    ILogger<InstanceHeartbeat> logger) : BackgroundService
{
    private bool _failing;

    /// <summary>Beats once, then interrupts replies orphaned by dead instances. Returns how many were interrupted.</summary>
    public async Task<int> BeatAndSweepAsync(CancellationToken cancellationToken)
    {
        await instances.BeatAsync(cancellationToken);
        var stale = await instances.InterruptStaleRepliesAsync(options.Value.HeartbeatTimeout, clock.StorageNow(), cancellationToken);
        if (stale.Count > 0)
        {
            logger.LogWarning("{Count} reply(ies) of instances that stopped beating are now marked interrupted", stale.Count);
        }

        foreach (var reply in stale)
        {
            remote.OnEnd(reply.OwnerId, reply.ChatId, reply.ReplyId);
            notices.Enqueue(LiveNotice.End, reply.OwnerId, reply.ChatId, reply.ReplyId);
        }

        // An end notice lost on the way (Postgres was briefly away) must not leave a reply followed here for ever.
        var followed = remote.Followed();
        var streaming = await instances.StillStreamingAsync(followed.Select(r => r.ReplyId).ToList(), cancellationToken);
        foreach (var reply in followed.Where(r => !streaming.Contains(r.ReplyId)))
        {
            remote.OnEnd(reply.OwnerId, reply.ChatId, reply.ReplyId);
        }

        return stale.Count;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.HeartbeatInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await BeatAndSweepAsync(stoppingToken);
                    if (_failing)
                    {
                        _failing = false;
                        logger.LogInformation("Heartbeat recorded again");
                    }
                }
                catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
                {
                    if (!_failing)
                    {
                        _failing = true;
                        logger.LogWarning("Could not record this instance's heartbeat ({Error}); will keep trying", e.GetType().Name);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
