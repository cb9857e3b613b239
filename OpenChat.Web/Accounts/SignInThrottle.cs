using System.Collections.Concurrent;

namespace OpenChat.Web.Accounts;

/// <summary>
/// Per-email lockout: after <see cref="MaxFailures"/> failed sign-ins for one email within <see cref="Window"/>,
/// that email is locked for <see cref="LockDuration"/>, even for the right password. Emails with no account
/// count the same way, so a lockout says nothing about whether an account exists.
/// </summary>
/// <remarks>
/// Kept in memory, per app instance: a restart forgets it, and with several instances each counts on its own
/// (an attacker spread over N instances gets N times the attempts). The per-IP limits of the protection
/// layer bound the rest. The table is swept of stale entries as it grows and stops tracking new emails
/// beyond <see cref="MaxTrackedEmails"/> (memory stays bounded under an email-spraying flood).
/// </remarks>
public sealed class SignInThrottle(TimeProvider clock, ILogger<SignInThrottle> logger)
{
    public const int MaxFailures = 10;
    public const int MaxTrackedEmails = 200_000;
    private const int SweepThreshold = 10_000;

    public static readonly TimeSpan Window = TimeSpan.FromMinutes(15);
    public static readonly TimeSpan LockDuration = TimeSpan.FromMinutes(15);

    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private long _nextSweepAt = SweepThreshold;

    /// <returns>How much longer the email stays locked, or null when it is not locked.</returns>
    public TimeSpan? LockedFor(string email)
    {
        if (!_entries.TryGetValue(Member.NormalizeEmail(email), out var entry))
        {
            return null;
        }

        var now = clock.GetUtcNow();
        lock (entry)
        {
            return entry.LockedUntil is { } until && until > now ? until - now : null;
        }
    }

    /// <summary>Counts a failed attempt.</summary>
    /// <returns>The lock's length when this failure locked the email, else null.</returns>
    public TimeSpan? RecordFailure(string email)
    {
        var key = Member.NormalizeEmail(email);
        if (!_entries.TryGetValue(key, out var entry))
        {
            SweepIfLarge();
            if (_entries.Count >= MaxTrackedEmails)
            {
                logger.LogWarning("Sign-in throttle is tracking {Count} emails; not tracking more until old entries expire", _entries.Count);
                return null;
            }

            entry = _entries.GetOrAdd(key, static _ => new Entry());
        }

        var now = clock.GetUtcNow();
        lock (entry)
        {
            if (entry.LockedUntil is { } until && until > now)
            {
                return null;
            }

            entry.LockedUntil = null;
            while (entry.Failures.TryPeek(out var oldest) && now - oldest >= Window)
            {
                entry.Failures.Dequeue();
            }

            entry.Failures.Enqueue(now);
            if (entry.Failures.Count < MaxFailures)
            {
                return null;
            }

            entry.Failures.Clear();
            entry.LockedUntil = now + LockDuration;
            logger.LogWarning("Sign-in locked for an email after {Failures} failed attempts within {Window}", MaxFailures, Window);
            return LockDuration;
        }
    }

    /// <summary>A successful sign-in clears the count.</summary>
    public void Reset(string email) => _entries.TryRemove(Member.NormalizeEmail(email), out _);

    /// <summary>"Try again in N minutes" for a remaining lock (rounded up, at least 1).</summary>
    public static string LockedMessage(TimeSpan remaining)
    {
        var minutes = Math.Max(1, (int)Math.Ceiling(remaining.TotalMinutes));
        return $"Too many attempts for this email. Try again in {minutes} minute{(minutes == 1 ? "" : "s")}.";
    }

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
                var locked = entry.LockedUntil is { } until && until > now;
                var recent = entry.Failures.TryPeek(out _) && now - entry.Failures.Last() < Window;
                if (!locked && !recent)
                {
                    _entries.TryRemove(KeyValuePair.Create(key, entry));
                }
            }
        }

        Interlocked.Exchange(ref _nextSweepAt, Math.Max(SweepThreshold, _entries.Count * 2L));
    }

    private sealed class Entry
    {
        public Queue<DateTimeOffset> Failures { get; } = new();

        public DateTimeOffset? LockedUntil { get; set; }
    }
}
