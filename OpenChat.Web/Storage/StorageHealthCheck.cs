using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using OpenChat.Web.Storage.Fallback;

namespace OpenChat.Web.Storage;

/// <summary>
/// Ready when the configured store answers and (for Postgres) every migration is applied.
/// While Postgres is down the app serves from the spool: degraded (still ready), with the spool's size. The storage work
/// itself (a disk write, or a migrations query) runs at most once a second (<see cref="StorageProbe"/>); <c>probed_at</c> says when.
/// </summary>
public sealed class StorageHealthCheck(IOptions<StorageOptions> options, IServiceProvider services, StorageProbe probe) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var backend = options.Value.Backend;
        var data = new Dictionary<string, object> { ["storage_backend"] = backend.ToWireName() };
        try
        {
            if (backend == StorageBackend.Postgres && services.GetRequiredService<PostgresBreaker>() is { IsOpen: true } breaker)
            {
                data["storage_backend"] = breaker.WireName;
                data["breaker"] = "open";
                data["breaker_opened_at"] = breaker.OpenedAt?.ToString("O") ?? string.Empty;
                data["spool_records"] = services.GetRequiredService<Spool>().RecordCount();
                return HealthCheckResult.Degraded("Postgres is unavailable; chats are kept in the spool until it answers.", data: data);
            }

            if (backend == StorageBackend.Postgres)
            {
                data["breaker"] = "closed";
                data["spool_records"] = services.GetRequiredService<Spool>().RecordCount();
                var probed = await probe.RunAsync(postgres: true, cancellationToken);
                var status = probed.Migrations!;
                data["probed_at"] = probed.ProbedAt.ToString("O");
                data["migrations_applied"] = status.Applied;
                data["migrations_known"] = status.Known;
                return status.Pending == 0
                    ? HealthCheckResult.Healthy("Postgres answers and is migrated.", data)
                    : HealthCheckResult.Unhealthy($"{status.Pending} migration(s) not applied.", data: data);
            }

            data["probed_at"] = (await probe.RunAsync(postgres: false, cancellationToken)).ProbedAt.ToString("O");
            return HealthCheckResult.Healthy("The data folder is writable.", data);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy("Storage is not reachable.", e, data);
        }
    }
}
