using Microsoft.Extensions.Options;
using OpenChat.Web.Hosting;
using OpenChat.Web.Storage.Fallback;
using OpenChat.Web.Storage.Files;
using OpenChat.Web.Storage.Postgres;

namespace OpenChat.Web.Storage;

/// <summary>
/// Prepares storage before the server takes requests: the data folder, or Postgres migrations. When Postgres does
/// not answer, the app starts on the spool and <see cref="PostgresRecovery"/> migrates and replays once it does.
/// A spool left by an earlier process (it stopped during an outage) is replayed here when Postgres answers.
/// </summary>
public sealed class StorageInitializer(
    IOptions<StorageOptions> options,
    IServiceProvider services,
    ILogger<StorageInitializer> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var storage = options.Value;
        OwnerOnly.CreateFolder(storage.FullDataPath);
        OwnerOnly.Restrict(storage.FullDataPath, folder: true); // also when an earlier version made it 0755
        if (storage.Backend == StorageBackend.Postgres)
        {
            var breaker = services.GetRequiredService<PostgresBreaker>();
            try
            {
                var applied = await services.GetRequiredService<MigrationRunner>().ApplyAsync(cancellationToken);
                logger.LogInformation("Storage: Postgres ({Applied} migration(s) applied now)", applied);
                var spool = services.GetRequiredService<Spool>();
                if (spool.RecordCount() > 0)
                {
                    await spool.Chats.InterruptStreamingMessagesAsync(DateTimeOffset.UtcNow.ToStoragePrecision(), cancellationToken);
                    var result = await services.GetRequiredService<SpoolReconciler>().ReplayAsync(cancellationToken);
                    spool.Clear();
                    services.GetRequiredService<FallbackTelemetry>().Reconciled(result);
                }
            }
            catch (Exception e) when (PostgresBreaker.IsOutage(e) && !cancellationToken.IsCancellationRequested)
            {
                breaker.Trip(e);
                logger.LogWarning("Storage: Postgres does not answer; starting on the spool in {Spool}", services.GetRequiredService<Spool>().Root);
            }
        }
        else
        {
            logger.LogInformation("Storage: files in {DataPath}", storage.FullDataPath);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
