using OpenChat.Web.Storage.Files;
using OpenChat.Web.Storage.Postgres;

namespace OpenChat.Web.Storage;

/// <summary>
/// The storage work behind <c>/readyz</c> — a file written and flushed to disk, or a query of the applied migrations — done
/// at most once per <see cref="Interval"/> however many probes arrive: callers within it share the last result (or the
/// one in flight), so a flood of probes costs one disk write a second.
/// </summary>
public sealed class StorageProbe(IServiceProvider services, TimeProvider time)
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    private readonly Lock _gate = new();
    private Task<Result>? _last;
    private long _startedAt;

    /// <summary>When the probe ran, and for Postgres the migrations' status.</summary>
    public sealed record Result(DateTimeOffset ProbedAt, MigrationRunner.Status? Migrations);

    public Task<Result> RunAsync(bool postgres, CancellationToken cancellationToken)
    {
        Task<Result> shared;
        lock (_gate)
        {
            var now = time.GetTimestamp();
            if (_last is null || time.GetElapsedTime(_startedAt, now) >= Interval)
            {
                _startedAt = now;
                _last = Task.Run(() => ProbeAsync(postgres), CancellationToken.None);
            }

            shared = _last;
        }

        return shared.WaitAsync(cancellationToken);
    }

    private async Task<Result> ProbeAsync(bool postgres)
    {
        // Not the caller's token: other callers share this probe. A hanging store still answers within the timeout.
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var at = time.GetUtcNow();
        if (postgres)
        {
            return new Result(at, await services.GetRequiredService<MigrationRunner>().GetStatusAsync(timeout.Token));
        }

        await services.GetRequiredService<FileStore>().ProbeAsync(timeout.Token);
        return new Result(at, null);
    }
}
