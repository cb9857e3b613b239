namespace OpenChat.Web.Chats.Attachments;

public static class AttachmentLimits
{
    public const int MaxFiles = 4;

    /// <summary>Per file: the original's 5 MB (5 × 1024 × 1024).</summary>
    public const long MaxFileBytes = 5_242_880;

    /// <summary>All files of one message together.</summary>
    public const long MaxMessageBytes = 10_485_760;

    /// <summary>The send request: the files, the text and the form's framing.</summary>
    public const int MaxRequestBytes = 12 * 1024 * 1024;

    /// <summary>Attachment bytes sent upstream with one reply (the newest first; older ones are named only).</summary>
    public const long MaxUpstreamBytes = MaxMessageBytes;
}
