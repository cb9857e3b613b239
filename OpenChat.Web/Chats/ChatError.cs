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
        "You've used today's free replies. They reset at 00:00 UTC — or add your own OpenRouter key to keep chatting.");

    /// <summary>Everyone on one client address together used the operator key's allowance for an address.</summary>
    public static ChatError AddressDailyLimit { get; } = new(StatusCodes.Status429TooManyRequests,
        "Today's free replies from your network are used up. They reset at 00:00 UTC — or add your own OpenRouter key to keep chatting.");

    /// <summary>The operator key spent <c>Limits:OperatorDailyBudgetUsd</c> today.</summary>
    public static ChatError OperatorBudget { get; } = new(StatusCodes.Status429TooManyRequests,
        "The free replies on this server are used up for today (the operator's daily budget is spent). They come back at 00:00 UTC — or add your own OpenRouter key to keep chatting.");

    /// <summary>The chat's model is not one the operator key pays for (<c>Limits:OperatorModels</c>, or free and cheap ones).</summary>
    public static ChatError OperatorModel { get; } = new(StatusCodes.Status422UnprocessableEntity,
        $"The free replies on this server use free and low-cost models only (at most ${OpenRouter.DailyLimitOptions.CheapInputUsdPerMillion:0.00} per million input tokens and ${OpenRouter.DailyLimitOptions.CheapOutputUsdPerMillion:0.00} per million output tokens). Pick another model, or add your own OpenRouter key.");

    /// <summary>The operator key's daily refusals: a 429 with the key dialog, counted as the <c>daily</c> rate limit.</summary>
    public bool IsDailyLimit => ReferenceEquals(this, DailyLimit) || ReferenceEquals(this, AddressDailyLimit) || ReferenceEquals(this, OperatorBudget);

    /// <summary>Refusals that the key dialog answers (it opens instead of a plain error).</summary>
    public bool NeedsKey => ReferenceEquals(this, NoKey) || IsDailyLimit || ReferenceEquals(this, OperatorModel);

    public static ChatError EmptyTitle { get; } = new(StatusCodes.Status422UnprocessableEntity, "A chat needs a title.");

    public static ChatError TitleTooLong { get; } = new(StatusCodes.Status422UnprocessableEntity,
        $"Titles can be at most {Chat.MaxTitleLength} characters.");

    public static ChatError NotLatestReply { get; } = new(StatusCodes.Status409Conflict,
        "Only the latest reply can be regenerated or retried.");
}
