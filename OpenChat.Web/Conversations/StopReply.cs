using OpenChat.Web.Generation;
using OpenChat.Web.Instances;
using OpenChat.Web.Telemetry;

namespace OpenChat.Web.Conversations;

/// <summary>Stops a reply being written, here or on the instance writing it; a stop here is captured (<c>chat.stream_stopped</c>).</summary>
public sealed class StopReply(GenerationRegistry generation, RemoteReplies remote, LiveNoticeQueue instances, ProductAnalytics analytics, TimeProvider clock)
{
    /// <returns>False when no such reply is running anywhere.</returns>
    public async Task<bool> StopAsync(string ownerId, Guid chatId, Guid replyId)
    {
        var startedAt = generation.FindRun(ownerId, chatId) is { } run && run.ReplyId == replyId ? run.StartedAt : (DateTimeOffset?)null;
        if (generation.Stop(ownerId, chatId, replyId))
        {
            await analytics.CaptureAsync("chat.stream_stopped", p =>
            {
                p["chat_id"] = chatId.ToString("D");
                p["elapsed_ms"] = startedAt is { } at ? (long)(clock.GetUtcNow() - at).TotalMilliseconds : (long?)null;
            });
            return true;
        }

        // Written on another instance: ask it to stop.
        if (remote.IsRunning(ownerId, chatId, replyId))
        {
            instances.Enqueue(LiveNotice.Stop, ownerId, chatId, replyId);
            return true;
        }

        return false;
    }

    /// <summary>
    /// Stops every reply of the owner being written on this instance and waits until each is stored (an account about
    /// to be deleted must not leave a reply streaming, and paying, into it, nor its streaming marker behind).
    /// </summary>
    public Task StopAllRepliesAsync(string ownerId) => generation.StopOwnerAsync(ownerId);
}
