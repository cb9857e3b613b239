namespace OpenChat.Web.Chats;

public enum MessageStatus
{
    /// <summary>A reply is being written by a running generation.</summary>
    Streaming,

    Complete,

    /// <summary>The person pressed Stop; the partial text is kept.</summary>
    Stopped,

    /// <summary>The upstream call failed; <see cref="ChatMessage.ErrorKind"/> says how.</summary>
    Error,

    /// <summary>The process that ran the reply died; the partial text is kept and the reply can be retried.</summary>
    Interrupted,
}
