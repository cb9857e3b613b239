using Npgsql;
using OpenChat.Web.Chats;
using OpenChat.Web.Generation;
using OpenChat.Web.Live;

namespace OpenChat.Web.Instances;

/// <summary>
/// Holds one connection that <c>LISTEN</c>s for other instances' live events and hands them to the tabs open here:
/// chat list changes, replies to follow, stops. Reconnects (quietly, with growing pauses) when Postgres goes away.
/// </summary>
public sealed class LiveRelayListener(
    NpgsqlDataSource dataSource,
    InstanceIdentity instance,
    RemoteReplies remote,
    SidebarPublisher sidebar,
    GenerationRegistry registry,
    ILogger<LiveRelayListener> logger) : BackgroundService
{
    private static readonly TimeSpan IdleCheck = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan MaxPause = TimeSpan.FromSeconds(30);

    /// <summary>Set once the first <c>LISTEN</c> is in place (tests wait for it before expecting events).</summary>
    public bool IsListening { get; private set; }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var pause = TimeSpan.FromMilliseconds(500);
        var failing = false;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = await dataSource.OpenConnectionAsync(stoppingToken);
                connection.Notification += OnNotification;
                await using (var listen = new NpgsqlCommand($"listen {LiveNotice.Channel}", connection))
                {
                    await listen.ExecuteNonQueryAsync(stoppingToken);
                }

                IsListening = true;
                if (failing)
                {
                    logger.LogInformation("Listening to other instances' live events again");
                    failing = false;
                }

                pause = TimeSpan.FromMilliseconds(500);
                while (true)
                {
                    if (!await connection.WaitAsync(IdleCheck, stoppingToken))
                    {
                        // Quiet for a while: make sure the connection is still there.
                        await using var ping = new NpgsqlCommand("select 1", connection);
                        await ping.ExecuteScalarAsync(stoppingToken);
                    }
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                IsListening = false;
                if (!failing)
                {
                    failing = true;
                    logger.LogWarning("Not listening to other instances' live events ({Error}); will reconnect", e.GetType().Name);
                }

                try
                {
                    await Task.Delay(pause, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                pause = TimeSpan.FromTicks(Math.Min(pause.Ticks * 2, MaxPause.Ticks));
            }
        }
    }

    private void OnNotification(object sender, NpgsqlNotificationEventArgs e)
    {
        var notice = LiveNotice.Parse(e.Payload);
        if (notice is null || notice.Instance == instance.Id)
        {
            return;
        }

        try
        {
            Dispatch(notice);
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "Could not handle a live event of kind {Kind} from another instance", notice.Kind);
        }
    }

    private void Dispatch(LiveNotice notice)
    {
        switch (notice.Kind)
        {
            case LiveNotice.Sidebar:
                sidebar.PublishLocal(notice.Owner, renamedChatId: notice.Chat);
                break;
            case LiveNotice.Deleted when notice.Chat is { } deleted:
                sidebar.PublishLocal(notice.Owner, deletedChatId: deleted);
                break;
            case LiveNotice.Start when notice is { Chat: { } chat, Message: { } reply }:
                remote.OnStart(notice.Owner, chat, reply);
                break;
            case LiveNotice.Delta when notice is { Chat: { } chat, Message: { } reply, Text: { } text }:
                remote.OnDelta(notice.Owner, chat, reply, notice.Offset, text);
                break;
            case LiveNotice.End when notice is { Chat: { } chat, Message: { } reply }:
                remote.OnEnd(notice.Owner, chat, reply);
                break;
            case LiveNotice.Stop when notice is { Chat: { } chat, Message: { } reply }:
                registry.Stop(notice.Owner, chat, reply);
                break;
        }
    }
}
