using OpenChat.Web.Chats;

namespace OpenChat.Web.OpenRouter;

/// <summary>OpenRouter answered with an error, before or during a streamed reply.</summary>
public sealed class UpstreamException : Exception
{
    public UpstreamException(ReplyError error, Exception? inner = null)
        : base($"OpenRouter error: {error.Kind} (HTTP {error.HttpStatus})", inner)
    {
        Error = error;
    }

    public UpstreamException()
        : this(new ReplyError(ReplyError.Upstream))
    {
    }

    public UpstreamException(string message)
        : base(message)
    {
        Error = new ReplyError(ReplyError.Upstream);
    }

    public UpstreamException(string message, Exception innerException)
        : base(message, innerException)
    {
        Error = new ReplyError(ReplyError.Upstream);
    }

    public ReplyError Error { get; }
}
