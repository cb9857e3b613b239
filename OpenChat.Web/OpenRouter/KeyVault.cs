using Microsoft.AspNetCore.DataProtection;

namespace OpenChat.Web.OpenRouter;

/// <summary>
/// Owners' OpenRouter keys: validated with OpenRouter before they are kept, encrypted with Data Protection
/// (a purpose of their own), and write-only: nothing but the reply pipeline ever reads the plain key back.
/// </summary>
public sealed class KeyVault(IKeyVaultRepository keys, OpenRouterKeyClient openRouter, IDataProtectionProvider protection, TimeProvider clock)
{
    public const int MinKeyLength = 10;
    public const int MaxKeyLength = 256;

    private readonly IDataProtector _protector = protection.CreateProtector("OpenChat.OpenRouterKey.v1");

    public async Task<KeySaveResult> SaveAsync(string ownerId, string? rawKey, CancellationToken cancellationToken)
    {
        var key = rawKey?.Trim() ?? string.Empty;
        if (key.Length < MinKeyLength || key.Length > MaxKeyLength || key.Any(char.IsWhiteSpace))
        {
            return new KeySaveResult(KeySaveOutcome.Malformed, 0);
        }

        var check = await openRouter.CheckAsync(key, cancellationToken);
        if (check.Result != KeyCheckResult.Accepted)
        {
            return new KeySaveResult(check.Result == KeyCheckResult.Rejected ? KeySaveOutcome.Rejected : KeySaveOutcome.Unreachable, check.Status);
        }

        var now = clock.GetUtcNow();
        await keys.SaveAsync(new StoredKey(ownerId, _protector.Protect(key), check.Label, now, now), cancellationToken);
        return new KeySaveResult(KeySaveOutcome.Saved, 200, check.Label is not null);
    }

    public Task<bool> RemoveAsync(string ownerId, CancellationToken cancellationToken) => keys.RemoveAsync(ownerId, cancellationToken);

    /// <summary>When the owner saved a key, or null: all a page may know about it.</summary>
    public async Task<DateTimeOffset?> SavedAtAsync(string? ownerId, CancellationToken cancellationToken) =>
        ownerId is null ? null : (await keys.FindAsync(ownerId, cancellationToken))?.CreatedAt;

    /// <summary>The plain key, for the call to OpenRouter that pays with it; null when there is none or it cannot be read.</summary>
    public async Task<string?> FindKeyAsync(string ownerId, CancellationToken cancellationToken)
    {
        var stored = await keys.FindAsync(ownerId, cancellationToken);
        if (stored is null)
        {
            return null;
        }

        try
        {
            return _protector.Unprotect(stored.ProtectedKey);
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            // The key ring that encrypted it is gone (for example a deleted data folder): ask for the key again.
            return null;
        }
    }

    public async Task<KeyCheck?> CheckCreditsAsync(string ownerId, CancellationToken cancellationToken)
    {
        var key = await FindKeyAsync(ownerId, cancellationToken);
        return key is null ? null : await openRouter.CheckAsync(key, cancellationToken);
    }
}

public enum KeySaveOutcome
{
    Saved,
    Malformed,
    Rejected,
    Unreachable,
}

public sealed record KeySaveResult(KeySaveOutcome Outcome, int Status, bool LabelPresent = false)
{
    public string? Message => Outcome switch
    {
        KeySaveOutcome.Malformed => $"That doesn't look like an OpenRouter key. Paste the whole key (it starts with sk-or-).",
        KeySaveOutcome.Rejected => "That key was not accepted by OpenRouter. Check it at openrouter.ai/keys and paste it again.",
        KeySaveOutcome.Unreachable => "OpenRouter could not be reached to check the key, so it was not saved. Try again in a moment.",
        _ => null,
    };
}
