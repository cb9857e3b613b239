using Microsoft.Extensions.Options;
using OpenChat.Web.Chats;
using OpenChat.Web.Chats.Attachments;
using OpenChat.Web.Generation;
using OpenChat.Web.Instances;
using OpenChat.Web.OpenRouter;
using OpenChat.Web.Telemetry;

namespace OpenChat.Web.Conversations;

/// <summary>
/// The checks that open every use case that starts a reply (send, start a chat, restart): the text, a reply already
/// running, the owner's running replies, the files against the model, the key. Each refusal is counted as before.
/// </summary>
public sealed class ReplyChecks(
    GenerationRegistry generation,
    RemoteReplies remote,
    ReplyKeyResolver keys,
    ModelPicker models,
    ProductAnalytics analytics,
    IOptions<Platform.RateLimiting.RateLimitOptions> rateLimits)
{
    public int MaxRunningReplies => rateLimits.Value.RunningReplies.PermitLimit;

    public static ChatError? CheckText(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return ChatError.EmptyMessage;
        }

        // Browsers post a line break as CRLF but count it (and show it) as one character, as the composer's counter does.
        return text.Trim().Replace("\r\n", "\n", StringComparison.Ordinal).Length > ChatLimits.MaxMessageCharacters ? ChatError.MessageTooLong : null;
    }

    /// <summary>A reply is already being written in this chat (here or on another instance), or the owner has too many running.</summary>
    public async Task<ChatError?> CheckChatIsFreeAsync(string ownerId, Guid chatId)
    {
        if (generation.FindRun(ownerId, chatId) is not null || remote.IsRunningIn(ownerId, chatId))
        {
            return ChatError.ReplyRunning;
        }

        return await CheckRunningLimitAsync(ownerId, chatId);
    }

    /// <summary>The owner's running replies are at the limit: a 429 (policy <c>concurrency</c>), counted for analytics.</summary>
    public async Task<ChatError?> CheckRunningLimitAsync(string ownerId, Guid? chatId)
    {
        if (generation.RunningFor(ownerId) < MaxRunningReplies)
        {
            return null;
        }

        var refusal = ChatError.TooManyRunningReplies(MaxRunningReplies);
        await refusal.RateLimit!.CaptureAsync(analytics, chatId);
        return refusal;
    }

    /// <summary>Checks a send's files against the limits and the model; a refusal is also a <c>chat.attachment_event</c>.</summary>
    public async Task<(IReadOnlyList<CheckedFile> Files, ChatError? Refusal)> CheckFilesAsync(
        Guid? chatId, string modelId, IReadOnlyList<UploadedFile> files, CancellationToken cancellationToken)
    {
        if (files.Count == 0)
        {
            return ([], null);
        }

        var (checkedFiles, refusal) = AttachmentCheck.Check(files, await models.InputsAsync(modelId, cancellationToken));
        if (refusal is null)
        {
            return (checkedFiles, null);
        }

        await analytics.CaptureAsync("chat.attachment_event", p =>
        {
            p["chat_id"] = chatId?.ToString("D");
            p["result"] = "rejected";
            p["reason"] = refusal.Reason;
            p["file_mime"] = refusal.FileMime;
            p["file_size_bytes"] = refusal.FileSizeBytes;
            p["limit_bytes"] = refusal.LimitBytes;
        });
        return ([], refusal.Error);
    }

    /// <summary>
    /// The key this reply uses, or the refusal; the daily limit is also a rate limit for analytics
    /// (<c>chat.rate_limited</c>, policy <c>daily</c>).
    /// </summary>
    public async Task<(KeyDecision Key, ChatError? Refusal)> ResolveKeyAsync(string ownerId, string modelId, CancellationToken cancellationToken)
    {
        var key = await keys.ResolveAsync(ownerId, modelId, cancellationToken);
        if (key.Refusal is null)
        {
            return (key, null);
        }

        if (key.Refusal.IsDailyLimit)
        {
            await analytics.CaptureAsync("chat.rate_limited", (p, scope, context) =>
            {
                p["ip_hash"] = scope.IpHash;
                p["origin"] = $"{context.Request.Scheme}://{context.Request.Host}";
                p["policy"] = "daily";
                p["limit"] = keys.DailyLimit(ownerId);
                p["window_ms"] = 86_400_000;
                p["chat_id"] = (string?)null;
                p["rate_limit_bucket"] = $"{keys.DailyLimit(ownerId)}/86400000";
            });
        }

        return (key, key.Refusal);
    }
}
