using OpenChat.Web.Accounts;
using OpenChat.Web.Storage.Postgres;

namespace OpenChat.Web.Storage.Fallback;

/// <summary>
/// Session stamps: a new stamp goes to the spool while Postgres is down (so sign-out still revokes, and is replayed
/// with the owner's data); reads prefer the spool's newer stamp over none.
/// </summary>
public sealed class FallbackSessionStampRepository(PostgresSessionStampRepository postgres, Spool spool, PostgresBreaker breaker) : ISessionStampRepository
{
    public Task<SessionStamp?> FindAsync(string ownerId, CancellationToken cancellationToken) => breaker.RunAsync(
        () => postgres.FindAsync(ownerId, cancellationToken),
        () => spool.SessionStamps.FindAsync(ownerId, cancellationToken),
        cancellationToken);

    public Task SaveAsync(SessionStamp stamp, CancellationToken cancellationToken) => breaker.RunAsync(
        async () =>
        {
            await postgres.SaveAsync(stamp, cancellationToken);
            return true;
        },
        async () =>
        {
            await spool.SessionStamps.SaveAsync(stamp, cancellationToken);
            return true;
        },
        cancellationToken);
}
