namespace OpenChat.Web.Live;

/// <summary>Where the live stream finds the reply running in a chat, on this instance or another.</summary>
public interface ILiveReplies
{
    Task<IFollowableReply?> FindAsync(string ownerId, Guid chatId);

    /// <summary>A tab that went away stops following whatever it followed.</summary>
    void DetachEverywhere(LiveTab tab);
}
