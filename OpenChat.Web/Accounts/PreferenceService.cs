namespace OpenChat.Web.Accounts;

/// <summary>Reads and changes an owner's preferences, keeping the theme cookie in step.</summary>
public sealed class PreferenceService(IPreferenceRepository preferences, TimeProvider clock)
{
    public async Task<Preferences> GetAsync(string? ownerId, CancellationToken cancellationToken) =>
        ownerId is null
            ? Preferences.Default("anonymous")
            : await preferences.FindAsync(ownerId, cancellationToken) ?? Preferences.Default(ownerId);

    /// <returns>Null when a value is not one of the known themes or accents.</returns>
    public async Task<Preferences?> SaveAppearanceAsync(HttpContext context, string ownerId, string? uiTheme, string? brandTheme, CancellationToken cancellationToken)
    {
        var current = await GetAsync(ownerId, cancellationToken);
        var theme = uiTheme ?? current.UiTheme;
        var brand = brandTheme ?? current.BrandTheme;
        if (!Preferences.UiThemes.Contains(theme) || !Preferences.BrandThemes.Contains(brand))
        {
            return null;
        }

        var updated = current with { UiTheme = theme, BrandTheme = brand, UpdatedAt = clock.GetUtcNow() };
        await preferences.SaveAsync(updated, cancellationToken);
        ThemeCookie.Write(context.Response, updated);
        return updated;
    }

    public async Task<Preferences> SaveSharingAsync(string ownerId, bool shareUsageData, CancellationToken cancellationToken)
    {
        var updated = await GetAsync(ownerId, cancellationToken) with { ShareUsageData = shareUsageData, UpdatedAt = clock.GetUtcNow() };
        await preferences.SaveAsync(updated, cancellationToken);
        return updated;
    }
}
