namespace OpenChat.Web.Chats;

/// <summary>A reply being written right now, as a page rendered meanwhile shows it.</summary>
public interface IRunningReply
{
    Guid ReplyId { get; }

    /// <summary>The reply as it stands: the blocks rendered so far and the unfinished tail.</summary>
    MessageView ReplyView(string? antiforgeryToken);
}
