using OpenChat.Web.Accounts;

namespace OpenChat.Web.Storage.Files;

/// <summary>Session stamps as <c>owners/{owner}/session.json</c>.</summary>
public sealed class FileSessionStampRepository(FileStore store) : ISessionStampRepository
{
    public const string FileName = "session.json";

    public Task<SessionStamp?> FindAsync(string ownerId, CancellationToken cancellationToken) =>
        FileStore.ReadAsync<SessionStamp>(Path.Combine(store.OwnerFolder(ownerId), FileName), cancellationToken);

    public Task SaveAsync(SessionStamp stamp, CancellationToken cancellationToken) =>
        FileStore.WriteAtomicAsync(Path.Combine(store.OwnerFolder(stamp.OwnerId), FileName), stamp, cancellationToken);
}
