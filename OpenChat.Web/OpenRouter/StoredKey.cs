namespace OpenChat.Web.OpenRouter;

/// <summary>An owner's OpenRouter key as stored: encrypted with Data Protection, never readable by pages.</summary>
public sealed record StoredKey(string OwnerId, string ProtectedKey, string? Label, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);
