namespace OpenChat.Web.OpenRouter;

public interface IKeyVaultRepository
{
    Task<StoredKey?> FindAsync(string ownerId, CancellationToken cancellationToken);

    /// <summary>Stores or replaces the owner's key.</summary>
    Task SaveAsync(StoredKey key, CancellationToken cancellationToken);

    Task<bool> RemoveAsync(string ownerId, CancellationToken cancellationToken);
}
