namespace OpenChat.Web.Live;

/// <summary>A running reply a tab can follow: it first gets the turn as it stands, then every change.</summary>
public interface IFollowableReply
{
    Guid ReplyId { get; }

    /// <returns>False when the reply already finished (its final state is stored; the tab must get it from there).</returns>
    bool Attach(LiveTab tab, bool isResume);

    void Detach(LiveTab tab);
}
