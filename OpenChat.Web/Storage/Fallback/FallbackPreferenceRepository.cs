using System.Collections.Concurrent;
using OpenChat.Web.Accounts;
using OpenChat.Web.Storage.Postgres;

namespace OpenChat.Web.Storage.Fallback;

/// <summary>Preferences: saved to the spool while Postgres is down; read from the spool, else as last seen.</summary>
public sealed class FallbackPreferenceRepository(PostgresPreferenceRepository postgres, Spool spool, PostgresBreaker breaker) : IPreferenceRepository
{
    private readonly ConcurrentDictionary<string, Preferences?> _seen = new(StringComparer.Ordinal);

    public Task<Preferences?> FindAsync(string ownerId, CancellationToken cancellationToken) => breaker.RunAsync(
        async () => Seen(ownerId, await postgres.FindAsync(ownerId, cancellationToken)),
        async () => await spool.Preferences.FindAsync(ownerId, cancellationToken) ?? _seen.GetValueOrDefault(ownerId),
        cancellationToken);

    public Task SaveAsync(Preferences preferences, CancellationToken cancellationToken) => breaker.RunAsync(
        async () =>
        {
            await postgres.SaveAsync(preferences, cancellationToken);
            Seen(preferences.OwnerId, preferences);
            return true;
        },
        async () =>
        {
            await spool.Preferences.SaveAsync(preferences, cancellationToken);
            _seen.TryRemove(preferences.OwnerId, out _);
            return true;
        },
        cancellationToken);

    private Preferences? Seen(string ownerId, Preferences? preferences)
    {
        if (_seen.Count > 50_000)
        {
            _seen.Clear();
        }

        _seen[ownerId] = preferences;
        return preferences;
    }
}
