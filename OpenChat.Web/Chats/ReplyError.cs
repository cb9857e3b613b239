using System.Globalization;

namespace OpenChat.Web.Chats;

/// <summary>
/// Why a reply ended in error, stored with the message (<c>error_kind</c>) as <c>kind|status|retryAfter</c>
/// and shown to the person as a plain sentence. The kind (never the text) goes to telemetry.
/// </summary>
public sealed record ReplyError(string Kind, int? HttpStatus = null, int? RetryAfterSeconds = null)
{
    public const string InvalidKey = "invalid_key";
    public const string NoCredits = "no_credits";
    public const string RateLimited = "rate_limited";
    public const string Upstream = "upstream_error";
    public const string Timeout = "timeout";
    public const string StreamError = "stream_error";
    public const string Network = "network";

    public string Format() => string.Create(CultureInfo.InvariantCulture, $"{Kind}|{HttpStatus}|{RetryAfterSeconds}");

    public static ReplyError? Parse(string? stored)
    {
        if (string.IsNullOrEmpty(stored))
        {
            return null;
        }

        var parts = stored.Split('|');
        return new ReplyError(parts[0], ParseInt(parts, 1), ParseInt(parts, 2));
    }

    public string Explanation => Kind switch
    {
        InvalidKey => "OpenRouter did not accept the API key. Check the key, then retry.",
        NoCredits => "The OpenRouter account is out of credits. Add credits at openrouter.ai, then retry.",
        RateLimited when RetryAfterSeconds is > 0 => $"OpenRouter is rate limiting requests. Try again in {RetryAfterSeconds} seconds.",
        RateLimited => "OpenRouter is rate limiting requests. Try again in a minute.",
        Timeout => "The model stopped responding, so the reply was ended. The text so far is kept.",
        StreamError => "The model provider ended the reply with an error. The text so far is kept.",
        Network => "OpenRouter could not be reached. Check the connection, then retry.",
        _ when HttpStatus is not null => $"The model provider had a problem (HTTP {HttpStatus}). Try again in a moment.",
        _ => "The model provider had a problem. Try again in a moment.",
    };

    private static int? ParseInt(string[] parts, int index) =>
        parts.Length > index && int.TryParse(parts[index], NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : null;
}
