namespace OpenChat.Web.Chats;

/// <summary>Why a chat operation was refused: an HTTP status and a sentence for the person.</summary>
public sealed record ChatError(int StatusCode, string Message) : Platform.IRefusal
{
    /// <summary>Set for a 429: what the person is told, <c>Retry-After</c> and the analytics policy.</summary>
    public Platform.RateLimiting.RateLimitRejection? RateLimit { get; init; }

    public static ChatError NotFound { get; } = new(StatusCodes.Status404NotFound, "That chat does not exist, or it is not yours.");

    public static ChatError EmptyMessage { get; } = new(StatusCodes.Status422UnprocessableEntity, "Type a message first.");

    public static ChatError MessageTooLong { get; } = new(StatusCodes.Status422UnprocessableEntity,
        $"That message is longer than {ChatLimits.MaxMessageCharacters:N0} characters. Shorten it or split it into parts.");

    public static ChatError ReplyRunning { get; } = new(StatusCodes.Status409Conflict,
        "A reply is still being written in this chat. Wait for it, or press Stop.");

    public static ChatError NoKey { get; } = new(StatusCodes.Status422UnprocessableEntity,
        "No OpenRouter API key is available yet. Add your key to start chatting.");

    /// <summary>The owner already has as many replies being written as they may (<c>RateLimits:RunningReplies</c>).</summary>
    public static ChatError TooManyRunningReplies(int limit)
    {
        var rejection = Platform.RateLimiting.RateLimitRejection.Concurrency(limit);
        return new(StatusCodes.Status429TooManyRequests, rejection.Message) { RateLimit = rejection };
    }

    public static ChatError DailyLimit { get; } = new(StatusCodes.Status429TooManyRequests,
        "You've used today's free replies — add your own OpenRouter key to keep chatting.");

    /// <summary>Refusals that the key dialog answers (it opens instead of a plain error).</summary>
    public bool NeedsKey => ReferenceEquals(this, NoKey) || ReferenceEquals(this, DailyLimit);

    public static ChatError EmptyTitle { get; } = new(StatusCodes.Status422UnprocessableEntity, "A chat needs a title.");

    public static ChatError TitleTooLong { get; } = new(StatusCodes.Status422UnprocessableEntity,
        $"Titles can be at most {Chat.MaxTitleLength} characters.");

    public static ChatError NotLatestReply { get; } = new(StatusCodes.Status409Conflict,
        "Only the latest reply can be regenerated or retried.");
}
