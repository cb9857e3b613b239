using Microsoft.Extensions.Options;
using OpenChat.Web.Storage.Postgres;

namespace OpenChat.Web.Storage;

/// <summary>Prepares storage before the server takes requests: the data folder, or Postgres migrations.</summary>
public sealed class StorageInitializer(
    IOptions<StorageOptions> options,
    IServiceProvider services,
    ILogger<StorageInitializer> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var storage = options.Value;
        Directory.CreateDirectory(storage.FullDataPath);
        if (storage.Backend == StorageBackend.Postgres)
        {
            var applied = await services.GetRequiredService<MigrationRunner>().ApplyAsync(cancellationToken);
            logger.LogInformation("Storage: Postgres ({Applied} migration(s) applied now)", applied);
        }
        else
        {
            logger.LogInformation("Storage: files in {DataPath}", storage.FullDataPath);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
