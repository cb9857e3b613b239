using OpenChat.Web.Generation;
using OpenChat.Web.Instances;

namespace OpenChat.Web.Conversations;

/// <summary>Stops a reply being written, here or on the instance writing it.</summary>
public sealed class StopReply(GenerationRegistry generation, RemoteReplies remote, LiveNoticeQueue instances)
{
    /// <returns>False when no such reply is running anywhere.</returns>
    public bool Stop(string ownerId, Guid chatId, Guid replyId)
    {
        if (generation.Stop(ownerId, chatId, replyId))
        {
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
}
