using OpenChat.Web.Accounts;
using OpenChat.Web.Storage.Postgres;

namespace OpenChat.Web.Storage.Fallback;

/// <summary>Preferences: saved to the spool while Postgres is down; read from the spool, else as last seen.</summary>
public sealed class FallbackPreferenceRepository(PostgresPreferenceRepository postgres, Spool spool, PostgresBreaker breaker) : IPreferenceRepository
{
    private readonly LastSeen<string, Preferences?> _seen = new(LastSeenLimits.Owners, comparer: StringComparer.Ordinal);

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
            _seen.Remove(preferences.OwnerId);
            return true;
        },
        cancellationToken);

    private Preferences? Seen(string ownerId, Preferences? preferences)
    {
        _seen.Set(ownerId, preferences);
        return preferences;
    }
}
