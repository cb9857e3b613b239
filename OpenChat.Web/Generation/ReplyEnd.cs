namespace OpenChat.Web.Generation;

/// <summary>Why a run stopped early, when it did.</summary>
public enum ReplyEnd
{
    None,

    /// <summary>The person pressed Stop.</summary>
    StopRequested,

    /// <summary>The app is shutting down; the reply is kept as interrupted.</summary>
    Shutdown,
}
