namespace OpenChat.Web.Accounts;

/// <summary>Members, and the owner-level operations that span all of an owner's data.</summary>
public interface IMemberRepository
{
    /// <returns>False when the email is already taken (compared without regard to case).</returns>
    Task<bool> CreateAsync(Member member, CancellationToken cancellationToken);

    Task<Member?> FindAsync(Guid id, CancellationToken cancellationToken);

    Task<Member?> FindByEmailAsync(string email, CancellationToken cancellationToken);

    Task<bool> UpdateDisplayNameAsync(Guid id, string displayName, DateTimeOffset at, CancellationToken cancellationToken);

    /// <returns>False when the member is gone or the email belongs to another member (compared without regard to case).</returns>
    Task<bool> UpdateEmailAsync(Guid id, string email, DateTimeOffset at, CancellationToken cancellationToken);

    Task<bool> UpdatePasswordHashAsync(Guid id, string passwordHash, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>
    /// Moves what a guest owns to a member: chats (with their messages) and the reply ledger always; preferences when
    /// the member has none of their own. The guest's saved key is deleted, never moved (the member confirms it first,
    /// see <see cref="MemberSessions.PendingGuestKey"/>). One transaction where the store has them.
    /// </summary>
    /// <returns>How many chats moved.</returns>
    Task<int> TransferOwnershipAsync(string fromOwnerId, string toOwnerId, CancellationToken cancellationToken);

    /// <summary>Deletes the member and every chat, message, key, preference and ledger entry they own.</summary>
    Task<bool> DeleteAsync(Guid id, CancellationToken cancellationToken);
}
