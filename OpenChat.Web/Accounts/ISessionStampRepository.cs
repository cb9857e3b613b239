namespace OpenChat.Web.Accounts;

/// <summary>Members' session stamps (<see cref="SessionStamp"/>); a later <c>UpdatedAt</c> always wins.</summary>
public interface ISessionStampRepository
{
    Task<SessionStamp?> FindAsync(string ownerId, CancellationToken cancellationToken);

    Task SaveAsync(SessionStamp stamp, CancellationToken cancellationToken);
}
