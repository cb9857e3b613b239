namespace OpenChat.Web.OpenRouter;

/// <summary>
/// A key saved as a guest, on its way to the member that guest signs in as: read (still encrypted) before the guest's
/// data moves, and saved for the member only once they confirm (<c>/account/guest-key</c>); a guest cookie can be planted.
/// </summary>
public sealed class GuestKeyHandover(IKeyVaultRepository keys, TimeProvider clock)
{
    /// <returns>The guest's saved key as stored (Data Protection ciphertext), or null.</returns>
    public async Task<string?> FindAsync(string? guestId, CancellationToken cancellationToken) =>
        guestId is null ? null : (await keys.FindAsync(guestId, cancellationToken))?.ProtectedKey;

    public Task UseAsync(string ownerId, string protectedKey, CancellationToken cancellationToken)
    {
        var now = Hosting.TimestampPrecision.StorageNow(clock);
        return keys.SaveAsync(new StoredKey(ownerId, protectedKey, null, now, now), cancellationToken);
    }
}
