using OpenChat.Web.OpenRouter;

namespace OpenChat.Web.Storage.Files;

/// <summary>The owner's encrypted OpenRouter key as <c>owners/{owner}/openrouter-key.json</c>.</summary>
public sealed class FileKeyVaultRepository(FileStore store) : IKeyVaultRepository
{
    public const string FileName = "openrouter-key.json";

    public Task<StoredKey?> FindAsync(string ownerId, CancellationToken cancellationToken) =>
        FileStore.ReadAsync<StoredKey>(PathOf(ownerId), cancellationToken);

    public Task SaveAsync(StoredKey key, CancellationToken cancellationToken) =>
        FileStore.WriteAtomicAsync(PathOf(key.OwnerId), key, cancellationToken);

    public Task<bool> RemoveAsync(string ownerId, CancellationToken cancellationToken)
    {
        var path = PathOf(ownerId);
        if (!File.Exists(path))
        {
            return Task.FromResult(false);
        }

        File.Delete(path);
        return Task.FromResult(true);
    }

    private string PathOf(string ownerId) => Path.Combine(store.OwnerFolder(ownerId), FileName);
}
