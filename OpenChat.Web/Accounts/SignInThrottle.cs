using System.Collections.Concurrent;

namespace OpenChat.Web.Accounts;

/// <summary>
/// Progressive delays after failed sign-ins, per email and address together: the first <see cref="FreeFailures"/>
/// failures cost nothing, then each one makes that address wait before its next try for that email: 1 s, 2 s, 4 s ... (the first wait is
/// <c>RateLimits:SignInFirstWait</c>)
/// up to <see cref="MaxDelay"/>. There is no lock: failures from one address never slow down the right password from
/// another (someone who knows your email cannot keep you out), and an address is forgiven <see cref="ForgetAfter"/>
/// after its last failure, or at once by a success. Emails with no account count the same way.
/// </summary>
/// <remarks>
/// Kept in memory, per app instance (a restart forgets it; with N instances an attacker gets N times the tries). The
/// per-address limits of the protection layer (<c>RateLimits:SignIn</c>, <c>RateLimits:SignInPerAddress</c>) bound
/// guessing over many emails or addresses. The table is swept of stale entries as it grows and stops tracking new
/// pairs beyond <see cref="MaxTracked"/> (memory stays bounded under a flood).
/// </remarks>
public sealed class SignInThrottle(TimeProvider clock, Microsoft.Extensions.Options.IOptions<SignInThrottleOptions> options, ILogger<SignInThrottle> logger)
{
    public const int FreeFailures = 3;
    public const int MaxTracked = 200_000;
    private const int SweepThreshold = 10_000;

    public static readonly TimeSpan MaxDelay = TimeSpan.FromMinutes(15);
    public static readonly TimeSpan ForgetAfter = TimeSpan.FromHours(1);

    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private long _nextSweepAt = SweepThreshold;

    /// <returns>How long this address must still wait before trying this email again, or null.</returns>
    public TimeSpan? WaitFor(string email, string address)
    {
        if (!_entries.TryGetValue(Key(email, address), out var entry))
        {
            return null;
        }

        var now = clock.GetUtcNow();
        lock (entry)
        {
            return entry.NextTryAt is { } at && at > now ? at - now : null;
        }
    }

    /// <summary>Counts a failed attempt.</summary>
    /// <returns>How long the address must now wait before its next try, or null when it need not.</returns>
    public TimeSpan? RecordFailure(string email, string address)
    {
        var key = Key(email, address);
        if (!_entries.TryGetValue(key, out var entry))
        {
            SweepIfLarge();
            if (_entries.Count >= MaxTracked)
            {
                logger.LogWarning("Sign-in throttle is tracking {Count} email and address pairs; not tracking more until old entries expire", _entries.Count);
                return null;
            }

            entry = _entries.GetOrAdd(key, static _ => new Entry());
        }

        var now = clock.GetUtcNow();
        lock (entry)
        {
            if (entry.LastFailureAt is { } last && now - last >= ForgetAfter)
            {
                entry.Failures = 0;
            }

            entry.Failures++;
            entry.LastFailureAt = now;
            if (entry.Failures <= FreeFailures)
            {
                return null;
            }

            var delay = DelayAfter(entry.Failures, options.Value.SignInFirstWait);
            entry.NextTryAt = now + delay;
            if (entry.Failures == FreeFailures + 1)
            {
                logger.LogInformation("Sign-in slowed down for an email and address after {Failures} failed attempts", entry.Failures);
            }

            return delay;
        }
    }

    /// <summary>A successful sign-in from this address forgives its failures for the email.</summary>
    public void Reset(string email, string address) => _entries.TryRemove(Key(email, address), out _);

    /// <summary>
    /// The wait after the <paramref name="failures"/>-th failure: <paramref name="first"/> (<c>RateLimits:SignInFirstWait</c>,
    /// 1 s) after the first one past the free ones, doubling, at most <see cref="MaxDelay"/>.
    /// </summary>
    public static TimeSpan DelayAfter(int failures, TimeSpan first)
    {
        var doublings = Math.Min(failures - FreeFailures - 1, 30);
        return doublings < 0 ? TimeSpan.Zero : TimeSpan.FromSeconds(Math.Min(first.TotalSeconds * Math.Pow(2, doublings), MaxDelay.TotalSeconds));
    }

    /// <summary>"Wait N seconds/minutes" for a remaining delay (rounded up).</summary>
    public static string WaitMessage(TimeSpan remaining)
    {
        var text = remaining <= TimeSpan.FromSeconds(90)
            ? Plural(Math.Max(1, (int)Math.Ceiling(remaining.TotalSeconds)), "second")
            : Plural((int)Math.Ceiling(remaining.TotalMinutes), "minute");
        return $"Too many failed attempts for this email from your network. Wait {text} before trying again.";
    }

    private static string Plural(int n, string unit) => $"{n} {unit}{(n == 1 ? "" : "s")}";

    private static string Key(string email, string address) => Member.NormalizeEmail(email) + "|" + address;

    private void SweepIfLarge()
    {
        var count = _entries.Count;
        var threshold = Interlocked.Read(ref _nextSweepAt);
        if (count < threshold || Interlocked.CompareExchange(ref _nextSweepAt, long.MaxValue, threshold) != threshold)
        {
            return;
        }

        var now = clock.GetUtcNow();
        foreach (var (key, entry) in _entries)
        {
            lock (entry)
            {
                if (entry.LastFailureAt is not { } last || now - last >= ForgetAfter)
                {
                    _entries.TryRemove(KeyValuePair.Create(key, entry));
                }
            }
        }

        Interlocked.Exchange(ref _nextSweepAt, Math.Max(SweepThreshold, _entries.Count * 2L));
    }

    private sealed class Entry
    {
        public int Failures { get; set; }

        public DateTimeOffset? LastFailureAt { get; set; }

        public DateTimeOffset? NextTryAt { get; set; }
    }
}
