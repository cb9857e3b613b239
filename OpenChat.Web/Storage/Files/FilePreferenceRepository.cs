using OpenChat.Web.Accounts;

namespace OpenChat.Web.Storage.Files;

/// <summary>Preferences as <c>owners/{owner}/preferences.json</c>.</summary>
public sealed class FilePreferenceRepository(FileStore store) : IPreferenceRepository
{
    public const string FileName = "preferences.json";

    public Task<Preferences?> FindAsync(string ownerId, CancellationToken cancellationToken) =>
        FileStore.ReadAsync<Preferences>(Path.Combine(store.OwnerFolder(ownerId), FileName), cancellationToken);

    public Task SaveAsync(Preferences preferences, CancellationToken cancellationToken) =>
        FileStore.WriteAtomicAsync(Path.Combine(store.OwnerFolder(preferences.OwnerId), FileName), preferences, cancellationToken);
}
