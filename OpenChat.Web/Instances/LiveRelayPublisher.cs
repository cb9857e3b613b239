using Dapper;
using Npgsql;
using OpenChat.Web.Chats;
using OpenChat.Web.Generation;
using OpenChat.Web.Live;

namespace OpenChat.Web.Instances;

/// <summary>
/// Sends this instance's live events to the others with <c>pg_notify</c>, in order, in one statement per tick:
/// replies that started, the text each running reply gained since the last tick (read from the run, so the
/// per-token path does no database work), and queued notices. Remote followers lag by at most a tick.
/// </summary>
public sealed class LiveRelayPublisher(
    NpgsqlDataSource dataSource,
    GenerationRegistry registry,
    SidebarPublisher sidebar,
    LiveNoticeQueue notices,
    ILogger<LiveRelayPublisher> logger) : BackgroundService
{
    public static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(75);

    private readonly Dictionary<Guid, int> _published = [];
    private bool _failing;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        registry.ReplyFinished += OnReplyFinished;
        sidebar.Published += OnSidebarPublished;
        try
        {
            using var timer = new PeriodicTimer(Tick);
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                var batch = Collect();
                if (batch.Count > 0)
                {
                    await SendAsync(batch, stoppingToken);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: the replies this instance just ended as interrupted still have to reach the others.
            var last = Collect();
            if (last.Count > 0)
            {
                using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await SendAsync(last, deadline.Token);
            }
        }
        finally
        {
            registry.ReplyFinished -= OnReplyFinished;
            sidebar.Published -= OnSidebarPublished;
        }
    }

    private void OnReplyFinished(GenerationRun run, ChatMessage final) =>
        notices.Enqueue(LiveNotice.End, run.Request.OwnerId, run.ChatId, run.ReplyId);

    private void OnSidebarPublished(string ownerId, Guid? renamed, Guid? deleted) =>
        notices.Enqueue(deleted is null ? LiveNotice.Sidebar : LiveNotice.Deleted, ownerId, deleted ?? renamed);

    private List<string> Collect()
    {
        var batch = new List<string>();
        var running = new HashSet<Guid>();
        foreach (var run in registry.Runs)
        {
            running.Add(run.ReplyId);
            var owner = run.Request.OwnerId;
            if (!_published.TryGetValue(run.ReplyId, out var sent))
            {
                batch.Add(new LiveNotice(LiveNotice.Start, notices.InstanceId, owner, run.ChatId, run.ReplyId).ToPayload());
                sent = 0;
            }

            var gained = run.TextAfter(sent);
            if (gained.Length > 0)
            {
                batch.AddRange(LiveNotice.DeltaPayloads(notices.InstanceId, owner, run.ChatId, run.ReplyId, sent, gained));
            }

            _published[run.ReplyId] = sent + gained.Length;
        }

        foreach (var id in _published.Keys.Where(id => !running.Contains(id)).ToList())
        {
            _published.Remove(id);
        }

        // After the deltas: an end queued during this tick follows the text of its reply.
        while (notices.Reader.TryRead(out var notice))
        {
            batch.Add(notice.ToPayload());
        }

        return batch;
    }

    private async Task SendAsync(List<string> batch, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            await connection.ExecuteAsync(new CommandDefinition(
                "select pg_notify(@channel, p) from unnest(@payloads) with ordinality as t(p, n) order by n",
                new { channel = LiveNotice.Channel, payloads = batch.ToArray() },
                cancellationToken: cancellationToken));
            if (_failing)
            {
                _failing = false;
                logger.LogInformation("Live events reach the other instances again");
            }
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or InvalidOperationException or OperationCanceledException)
        {
            // Postgres is away: other instances' tabs miss these updates and catch up from storage when replies end.
            if (!_failing)
            {
                _failing = true;
                logger.LogWarning("Could not send live events to other instances ({Error}); will keep trying", e.GetType().Name);
            }
        }
    }
}
