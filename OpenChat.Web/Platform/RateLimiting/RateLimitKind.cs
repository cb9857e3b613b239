namespace OpenChat.Web.Platform.RateLimiting;

/// <summary>Which limit a request counts against (see <see cref="RateLimitOptions"/>).</summary>
public enum RateLimitKind
{
    Global,
    Send,
    SignIn,
    SignUp,
    KeySave,
    Ingest,
}
