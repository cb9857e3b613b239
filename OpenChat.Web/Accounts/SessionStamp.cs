namespace OpenChat.Web.Accounts;

/// <summary>
/// The stamp every cookie of a member must carry. Replacing it (sign-out, password change, "Sign out of other devices")
/// revokes every cookie issued before, on every instance, because it is kept in storage.
/// </summary>
public sealed record SessionStamp(string OwnerId, string Stamp, DateTimeOffset UpdatedAt)
{
    public static string NewValue() => Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));
}
