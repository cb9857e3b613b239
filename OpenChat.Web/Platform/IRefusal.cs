using OpenChat.Web.Platform.RateLimiting;

namespace OpenChat.Web.Platform;

/// <summary>Why a request was refused: an HTTP status and a sentence for the person (and, for a 429, the rate limit).</summary>
public interface IRefusal
{
    int StatusCode { get; }

    string Message { get; }

    RateLimitRejection? RateLimit { get; }
}
