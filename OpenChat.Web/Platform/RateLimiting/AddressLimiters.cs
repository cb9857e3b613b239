using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace OpenChat.Web.Platform.RateLimiting;

/// <summary>
/// Limits counted per IP address on top of a request's own partition: sign-in attempts over all emails, and new guest
/// identities. In memory, per instance, like the other request limits.
/// </summary>
public sealed class AddressLimiters(IOptions<RateLimitOptions> options) : Accounts.INewGuestGate, IDisposable
{
    private readonly PartitionedRateLimiter<string> _signIn = Create(options.Value.SignInPerAddress);
    private readonly PartitionedRateLimiter<string> _newGuests = Create(options.Value.NewGuests);

    /// <returns>Null when allowed, else how long until the address may try again (null inside when unknown).</returns>
    public RateLimitRejection? TrySignIn(string address) => Acquire(_signIn, address, RateLimitKind.SignInAddress);

    public RateLimitRejection? TryNewGuest(string address) => Acquire(_newGuests, address, RateLimitKind.NewGuest);

    /// <summary>A new guest from this address, or a 429 (answered by the rate limit middleware).</summary>
    public void Enter(HttpContext context)
    {
        if (TryNewGuest(context.Connection.RemoteIpAddress?.ToString() ?? "unknown") is { } tooMany)
        {
            throw new RateLimitedException(tooMany);
        }
    }

    private RateLimitRejection? Acquire(PartitionedRateLimiter<string> limiter, string address, RateLimitKind kind)
    {
        using var lease = limiter.AttemptAcquire(address);
        if (lease.IsAcquired)
        {
            return null;
        }

        TimeSpan? retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : null;
        return RateLimitRejection.For(new RateLimitTarget(kind, address, false), options.Value, retryAfter);
    }

    private static PartitionedRateLimiter<string> Create(RateLimitOptions.WindowLimit limit) =>
        PartitionedRateLimiter.Create<string, string>(address => RateLimitPartition.GetFixedWindowLimiter(address, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = limit.PermitLimit,
            Window = limit.Window,
            QueueLimit = 0,
            AutoReplenishment = true,
        }));

    public void Dispose()
    {
        _signIn.Dispose();
        _newGuests.Dispose();
    }
}
