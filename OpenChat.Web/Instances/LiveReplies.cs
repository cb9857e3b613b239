using OpenChat.Web.Generation;
using OpenChat.Web.Live;

namespace OpenChat.Web.Instances;

/// <summary>The reply a tab can follow: running here, or on another instance (then followed through the events it relays).</summary>
public sealed class LiveReplies(GenerationRegistry registry, RemoteReplies remote) : ILiveReplies
{
    public async Task<IFollowableReply?> FindAsync(string ownerId, Guid chatId) =>
        registry.FindRun(ownerId, chatId) ?? await remote.FindRunAsync(ownerId, chatId);

    public void DetachEverywhere(LiveTab tab)
    {
        registry.DetachEverywhere(tab);
        remote.DetachEverywhere(tab);
    }
}
