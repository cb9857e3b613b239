using OpenChat.Web.Accounts;
using OpenChat.Web.Storage.Postgres;

namespace OpenChat.Web.Storage.Fallback;

/// <summary>
/// Members need Postgres: while it is down, sign-up, sign-in and account changes answer 503
/// (<see cref="StorageUnavailableException"/>). Members this instance has seen are remembered, so their cookies
/// keep working (chats then go to the spool under their id like anyone's).
/// </summary>
public sealed class FallbackMemberRepository(PostgresMemberRepository postgres, PostgresBreaker breaker) : IMemberRepository
{
    private readonly LastSeen<Guid, Member> _seen = new(LastSeenLimits.Owners);

    public Task<bool> CreateAsync(Member member, CancellationToken cancellationToken) =>
        PostgresOnly(() => postgres.CreateAsync(member, cancellationToken), cancellationToken);

    public Task<Member?> FindAsync(Guid id, CancellationToken cancellationToken) => breaker.RunAsync(
        async () => Seen(await postgres.FindAsync(id, cancellationToken)),
        () => _seen.TryGet(id, out var member) ? Task.FromResult<Member?>(member) : throw new StorageUnavailableException(),
        cancellationToken);

    public Task<Member?> FindByEmailAsync(string email, CancellationToken cancellationToken) =>
        PostgresOnly(async () => Seen(await postgres.FindByEmailAsync(email, cancellationToken)), cancellationToken);

    public Task<bool> UpdateDisplayNameAsync(Guid id, string displayName, DateTimeOffset at, CancellationToken cancellationToken) =>
        PostgresOnly(() => postgres.UpdateDisplayNameAsync(id, displayName, at, cancellationToken), cancellationToken);

    public Task<bool> UpdateEmailAsync(Guid id, string email, DateTimeOffset at, CancellationToken cancellationToken) =>
        PostgresOnly(() => postgres.UpdateEmailAsync(id, email, at, cancellationToken), cancellationToken);

    public Task<bool> UpdatePasswordHashAsync(Guid id, string passwordHash, DateTimeOffset at, CancellationToken cancellationToken) =>
        PostgresOnly(() => postgres.UpdatePasswordHashAsync(id, passwordHash, at, cancellationToken), cancellationToken);

    public Task<int> TransferOwnershipAsync(string fromOwnerId, string toOwnerId, CancellationToken cancellationToken) =>
        PostgresOnly(() => postgres.TransferOwnershipAsync(fromOwnerId, toOwnerId, cancellationToken), cancellationToken);

    public Task<bool> DeleteAsync(Guid id, CancellationToken cancellationToken)
    {
        _seen.Remove(id);
        return PostgresOnly(() => postgres.DeleteAsync(id, cancellationToken), cancellationToken);
    }

    private Member? Seen(Member? member)
    {
        if (member is not null)
        {
            _seen.Set(member.Id, member);
        }

        return member;
    }

    private Task<T> PostgresOnly<T>(Func<Task<T>> call, CancellationToken cancellationToken) =>
        breaker.RunAsync(call, () => throw new StorageUnavailableException(), cancellationToken);
}
