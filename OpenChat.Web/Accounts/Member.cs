namespace OpenChat.Web.Accounts;

/// <summary>A person with an account (email and password). Their id, as text, is the owner id of their data.</summary>
public sealed record Member(Guid Id, string Email, string DisplayName, string PasswordHash, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    public const int MaxDisplayNameLength = 80;
    public const int MinPasswordLength = 8;

    public string OwnerId => Id.ToString("D");

    /// <summary>Emails are unique without regard to case or surrounding spaces.</summary>
    public static string NormalizeEmail(string email) => email.Trim().ToUpperInvariant();
}
