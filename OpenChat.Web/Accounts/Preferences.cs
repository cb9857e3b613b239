namespace OpenChat.Web.Accounts;

/// <summary>An owner's choices: colour scheme, accent, default model, and whether usage data may be shared.</summary>
public sealed record Preferences(string OwnerId, string UiTheme, string BrandTheme, string? ModelId, bool ShareUsageData, DateTimeOffset UpdatedAt)
{
    public static readonly IReadOnlyList<string> UiThemes = ["system", "light", "dark"];

    public static readonly IReadOnlyList<string> BrandThemes = ["blue", "red", "orange", "yellow", "green", "indigo", "violet"];

    public static Preferences Default(string ownerId) => new(ownerId, "system", "blue", null, true, DateTimeOffset.UnixEpoch);
}
