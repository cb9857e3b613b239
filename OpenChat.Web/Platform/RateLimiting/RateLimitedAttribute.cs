namespace OpenChat.Web.Platform.RateLimiting;

/// <summary>
/// Endpoint metadata: POSTs to this page or endpoint count against <see cref="Kind"/>'s limit instead of the global one
/// (reading it stays under the global limit). With <see cref="Handler"/>, only posts to that page handler count.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true)]
public sealed class RateLimitedAttribute(RateLimitKind kind) : Attribute
{
    public RateLimitKind Kind { get; } = kind;

    /// <summary>The Razor Pages handler name (route value <c>handler</c>), or null for every post.</summary>
    public string? Handler { get; init; }
}
