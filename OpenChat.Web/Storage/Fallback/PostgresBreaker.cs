using System.Net.Sockets;
using Microsoft.Extensions.Options;
using Npgsql;
using OpenChat.Web.Hosting;

namespace OpenChat.Web.Storage.Fallback;

/// <summary>
/// Whether Postgres is trusted right now. Closed: calls go to Postgres. Open (it failed: refused, timed out, the
/// connection broke): calls go straight to the spool, without paying a timeout each, until
/// <see cref="PostgresRecovery"/> has seen Postgres answer and replayed the spool. While the spool is being
/// emptied (<see cref="DrainAsync"/>), new calls wait for the switch back instead of writing into it.
/// </summary>
public sealed class PostgresBreaker(IOptions<StorageOptions> options, ILogger<PostgresBreaker> logger)
{
    private readonly object _sync = new();
    private bool _open;
    private int _inSpool;
    private TaskCompletionSource? _drained;
    private TaskCompletionSource _gateOpen = Completed();
    private TaskCompletionSource _tripped = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Raised (outside any lock) when the breaker opens (true) or closes (false).</summary>
    public event Action<bool>? StateChanged;

    public bool IsConfigured => options.Value.Backend == StorageBackend.Postgres;

    public bool IsOpen
    {
        get
        {
            lock (_sync)
            {
                return _open;
            }
        }
    }

    public DateTimeOffset? OpenedAt { get; private set; }

    /// <summary>Set when start-up ran on the spool: replies a previous process left streaming in Postgres are marked once it answers.</summary>
    public DateTimeOffset? InterruptPendingAt { get; set; }

    /// <summary><c>storage_backend</c> as telemetry and <c>/readyz</c> name it.</summary>
    public string WireName => !IsConfigured ? "file" : IsOpen ? "file_fallback" : "postgres";

    /// <summary>Completes when the breaker is (or becomes) open.</summary>
    public Task WhenOpenAsync(CancellationToken cancellationToken)
    {
        lock (_sync)
        {
            return _tripped.Task.WaitAsync(cancellationToken);
        }
    }

    /// <summary>
    /// True for failures that mean "Postgres is not there" (refused or timed-out connections, a broken connection, a
    /// server shutting down or out of connections), as opposed to one statement failing: a statement cancelled by
    /// <c>statement_timeout</c>, bad text, a bug. Only the former may open the breaker, or one visitor's slow search
    /// would switch everyone to the spool.
    /// </summary>
    public static bool IsOutage(Exception e) => e switch
    {
        PostgresException pg => pg.SqlState.StartsWith("08", StringComparison.Ordinal) ||    // connection exception
                                pg.SqlState.StartsWith("57P", StringComparison.Ordinal) ||   // shutting down, cannot connect now
                                pg.SqlState == PostgresErrorCodes.TooManyConnections,
        // What Npgsql raises itself is an outage only when the network under it failed (refused, reset, timed out).
        NpgsqlException npgsql => npgsql.InnerException is { } inner && IsNetworkFailure(inner),
        _ => IsNetworkFailure(e) || (e.InnerException is { } inner && IsOutage(inner)),
    };

    private static bool IsNetworkFailure(Exception e) => e switch
    {
        SocketException or TimeoutException or IOException => true,
        PostgresException or NpgsqlException => IsOutage(e),
        _ => e.InnerException is { } inner && IsNetworkFailure(inner),
    };

    public void Trip(Exception cause)
    {
        TaskCompletionSource tripped;
        lock (_sync)
        {
            if (_open)
            {
                return;
            }

            _open = true;
            OpenedAt = DateTimeOffset.UtcNow;
            tripped = _tripped;
        }

        logger.LogWarning("Postgres is unavailable ({Reason}); chats are kept in the spool until it answers again", cause.GetType().Name + ": " + cause.Message);
        tripped.TrySetResult();
        StateChanged?.Invoke(true);
    }

    /// <summary>
    /// Runs <paramref name="onPostgres"/> while the breaker is closed; when it fails with an outage, or the breaker
    /// is open, runs <paramref name="onSpool"/> instead (so the call that saw the failure loses nothing).
    /// </summary>
    public async Task<T> RunAsync<T>(Func<Task<T>> onPostgres, Func<Task<T>> onSpool, CancellationToken cancellationToken)
    {
        while (true)
        {
            if (!IsOpen)
            {
                try
                {
                    return await onPostgres();
                }
                catch (Exception e) when (IsOutage(e) && !cancellationToken.IsCancellationRequested)
                {
                    Trip(e);
                }
            }

            var entered = await EnterSpoolAsync(cancellationToken);
            if (!entered)
            {
                continue; // closed again meanwhile: Postgres answers
            }

            try
            {
                return await onSpool();
            }
            finally
            {
                LeaveSpool();
            }
        }
    }

    /// <summary>
    /// Stops new spool calls (they wait) and completes when the ones already inside have finished, so the
    /// reconciler's last pass sees everything. Follow with <see cref="Close"/>.
    /// </summary>
    public Task DrainAsync()
    {
        lock (_sync)
        {
            _gateOpen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _drained = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            if (_inSpool == 0)
            {
                _drained.TrySetResult();
            }

            return _drained.Task;
        }
    }

    /// <summary>Postgres answers and holds everything: calls go to it again, and those that waited are let through.</summary>
    public void Close()
    {
        TaskCompletionSource gate;
        lock (_sync)
        {
            _open = false;
            OpenedAt = null;
            _drained = null;
            _tripped = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            gate = _gateOpen;
            _gateOpen = Completed();
        }

        gate.TrySetResult();
        logger.LogInformation("Postgres answers again; the spool was replayed into it");
        StateChanged?.Invoke(false);
    }

    /// <summary>Reopens the gate without closing (the last pass failed: Postgres went away again).</summary>
    public void CancelDrain()
    {
        TaskCompletionSource gate;
        lock (_sync)
        {
            _drained = null;
            gate = _gateOpen;
            _gateOpen = Completed();
        }

        gate.TrySetResult();
    }

    /// <returns>False when the breaker closed while waiting: the caller should use Postgres.</returns>
    private async Task<bool> EnterSpoolAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            Task gate;
            lock (_sync)
            {
                if (!_open)
                {
                    return false;
                }

                if (_drained is null)
                {
                    _inSpool++;
                    return true;
                }

                gate = _gateOpen.Task;
            }

            await gate.WaitAsync(cancellationToken);
        }
    }

    private void LeaveSpool()
    {
        lock (_sync)
        {
            _inSpool--;
            if (_inSpool == 0)
            {
                _drained?.TrySetResult();
            }
        }
    }

    private static TaskCompletionSource Completed()
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        done.TrySetResult();
        return done;
    }
}
