using OpenChat.Web.OpenRouter;
using OpenChat.Web.Storage.Postgres;

namespace OpenChat.Web.Storage.Fallback;

/// <summary>
/// Saved OpenRouter keys: a key saved while Postgres is down goes to the spool; reads use the spool, else the key
/// as last seen. Removing a key needs Postgres (503 meanwhile), so a removed key can never come back from the spool.
/// </summary>
public sealed class FallbackKeyVaultRepository(PostgresKeyVaultRepository postgres, Spool spool, PostgresBreaker breaker) : IKeyVaultRepository
{
    private readonly LastSeen<string, StoredKey?> _seen = new(LastSeenLimits.Owners, comparer: StringComparer.Ordinal);

    public Task<StoredKey?> FindAsync(string ownerId, CancellationToken cancellationToken) => breaker.RunAsync(
        async () => Seen(ownerId, await postgres.FindAsync(ownerId, cancellationToken)),
        async () => await spool.Keys.FindAsync(ownerId, cancellationToken) ?? _seen.GetValueOrDefault(ownerId),
        cancellationToken);

    public Task SaveAsync(StoredKey key, CancellationToken cancellationToken) => breaker.RunAsync(
        async () =>
        {
            await postgres.SaveAsync(key, cancellationToken);
            Seen(key.OwnerId, key);
            return true;
        },
        async () =>
        {
            await spool.Keys.SaveAsync(key, cancellationToken);
            _seen.Remove(key.OwnerId);
            return true;
        },
        cancellationToken);

    public Task<bool> RemoveAsync(string ownerId, CancellationToken cancellationToken) => breaker.RunAsync(
        async () =>
        {
            _seen.Remove(ownerId);
            return await postgres.RemoveAsync(ownerId, cancellationToken);
        },
        () => throw new StorageUnavailableException(),
        cancellationToken);

    private StoredKey? Seen(string ownerId, StoredKey? key)
    {
        _seen.Set(ownerId, key);
        return key;
    }
}
