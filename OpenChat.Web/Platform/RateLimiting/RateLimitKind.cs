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
    Import,

    /// <summary>Sign-in attempts from one address over all emails.</summary>
    SignInAddress,

    /// <summary>A visitor becoming a new guest.</summary>
    NewGuest,
}
