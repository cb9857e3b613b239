namespace OpenChat.Web.Platform.RateLimiting;

/// <summary>Thrown deep in a request (a guest being issued) to answer it with a 429; the rate limit middleware answers it.</summary>
public sealed class RateLimitedException(RateLimitRejection rejection) : Exception(rejection.Message)
{
    public RateLimitRejection Rejection { get; } = rejection;
}
