namespace OpenChat.Web.Accounts;

/// <summary><c>RateLimits:SignInFirstWait</c> (checked with the other rate limits): the first wait after repeated failed sign-ins.</summary>
public sealed class SignInThrottleOptions
{
    public TimeSpan SignInFirstWait { get; set; } = TimeSpan.FromSeconds(1);
}
