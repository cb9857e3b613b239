using Dapper;
using Microsoft.Extensions.Options;
using Npgsql;
using OpenChat.Web.Hosting;
using OpenChat.Web.Storage.Postgres;

namespace OpenChat.Web.Storage.Fallback;

/// <summary>
/// While the breaker is open, asks Postgres every <see cref="StorageOptions.ProbeIntervalSeconds"/> whether it
/// answers. When it does: applies migrations (start-up may have run without it), marks replies a previous process
/// left streaming, replays the spool, then drains the spool's writers, replays once more, clears the spool and
/// closes the breaker. Any outage on the way leaves the spool as it is for the next probe.
/// </summary>
public sealed class PostgresRecovery(
    PostgresBreaker breaker,
    IServiceProvider services,
    IOptions<StorageOptions> options,
    TimeProvider clock,
    ILogger<PostgresRecovery> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!breaker.IsConfigured)
        {
            return;
        }

        var interval = TimeSpan.FromSeconds(options.Value.ProbeIntervalSeconds);
        while (!stoppingToken.IsCancellationRequested)
        {
            await breaker.WhenOpenAsync(stoppingToken);
            // Probing on a timer is the breaker's job (not a wait for something in-process to happen).
            await Task.Delay(interval, clock, stoppingToken);
            try
            {
                await RecoverAsync(stoppingToken);
            }
            catch (Exception e) when (PostgresBreaker.IsOutage(e) && !stoppingToken.IsCancellationRequested)
            {
                breaker.CancelDrain();
                logger.LogDebug("Postgres still unavailable: {Reason}", e.Message);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                breaker.CancelDrain();
                logger.LogError(e, "Replaying the spool into Postgres failed; it is kept and tried again");
            }
        }
    }

    public async Task RecoverAsync(CancellationToken cancellationToken)
    {
        // Resolved here, not in the constructor: with the file store there is no data source to make.
        var dataSource = services.GetRequiredService<NpgsqlDataSource>();
        var reconciler = services.GetRequiredService<SpoolReconciler>();
        // Connections in the pool died with the server; a fresh one tells the truth.
        dataSource.Clear();
        await using (var connection = await dataSource.OpenConnectionAsync(cancellationToken))
        {
            await connection.ExecuteScalarAsync<int>(new CommandDefinition("select 1", cancellationToken: cancellationToken));
        }

        var applied = await services.GetRequiredService<MigrationRunner>().ApplyAsync(cancellationToken);
        if (applied > 0)
        {
            logger.LogInformation("Postgres answers: {Applied} migration(s) applied now", applied);
        }

        if (breaker.InterruptPendingAt is { } at)
        {
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            // Only rows Postgres already had: this process's own replies are still in the spool.
            await connection.ExecuteAsync(new CommandDefinition(
                "update messages set status = 'interrupted', updated_at = @at where status = 'streaming' and updated_at < @at",
                new { at = at.UtcDateTime }, cancellationToken: cancellationToken));
            breaker.InterruptPendingAt = null;
        }

        services.GetRequiredService<FallbackXmlRepository>().SyncToPostgres();
        var first = await reconciler.ReplayAsync(cancellationToken);
        await breaker.DrainAsync().WaitAsync(cancellationToken);
        var last = await reconciler.ReplayAsync(cancellationToken);
        reconciler.Clear();
        breaker.Close();
        // The last pass saw everything (the first one's records are still there): its counts are the outage's.
        services.GetRequiredService<FallbackTelemetry>().Reconciled(last with { Duration = first.Duration + last.Duration });
    }
}
