using System.Globalization;

namespace OpenChat.Web.Platform.RateLimiting;

/// <summary>
/// <c>RateLimits:*</c>: how often people may do things. Counted in memory, per app instance (with several
/// instances each counts on its own). Checked on start: a limit must be at least 1 and a window positive.
/// </summary>
public sealed class RateLimitOptions
{
    public const string Section = "RateLimits";

    /// <summary>Sending a message: a token bucket per owner (members and guests differ).</summary>
    public SendLimit Send { get; set; } = new();

    /// <summary>Replies being written at once per owner (for the whole reply, not only the request that started it).</summary>
    public ConcurrencyLimit RunningReplies { get; set; } = new();

    /// <summary>Sign-in attempts per IP address and email.</summary>
    public WindowLimit SignIn { get; set; } = new() { PermitLimit = 10, Window = TimeSpan.FromMinutes(5) };

    /// <summary>Sign-in attempts per IP address, whatever the email (someone trying many emails from one place).</summary>
    public WindowLimit SignInPerAddress { get; set; } = new() { PermitLimit = 30, Window = TimeSpan.FromMinutes(5) };

    /// <summary>The first wait after repeated failed sign-ins from one address for one email (then doubling, up to 15 minutes).</summary>
    public TimeSpan SignInFirstWait { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>New guest identities per IP address (each would get its own free replies on the operator key).</summary>
    public WindowLimit NewGuests { get; set; } = new() { PermitLimit = 20, Window = TimeSpan.FromHours(1) };

    /// <summary>New accounts per IP address.</summary>
    public WindowLimit SignUp { get; set; } = new() { PermitLimit = 5, Window = TimeSpan.FromHours(1) };

    /// <summary>OpenRouter key saves per owner (each one is checked with OpenRouter).</summary>
    public WindowLimit KeySave { get; set; } = new() { PermitLimit = 5, Window = TimeSpan.FromMinutes(1) };

    /// <summary>Imports of chats per IP address (an import writes up to thousands of messages; a new guest costs nothing).</summary>
    public WindowLimit Import { get; set; } = new() { PermitLimit = 10, Window = TimeSpan.FromHours(1) };

    /// <summary>Posts of browser analytics events per client IP address.</summary>
    public WindowLimit Ingest { get; set; } = new() { PermitLimit = 60, Window = TimeSpan.FromMinutes(1) };

    /// <summary>Every other request per IP address.</summary>
    public WindowLimit Global { get; set; } = new() { PermitLimit = 600, Window = TimeSpan.FromMinutes(1) };

    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        Check(errors, "Send:PermitLimit", Send.PermitLimit);
        Check(errors, "Send:GuestPermitLimit", Send.GuestPermitLimit);
        Check(errors, "Send:Burst", Send.Burst);
        CheckWindow(errors, "Send:Window", Send.Window);
        Check(errors, "RunningReplies:PermitLimit", RunningReplies.PermitLimit);
        CheckWindow(errors, "SignInFirstWait", SignInFirstWait);
        foreach (var (name, limit) in new[] { ("SignIn", SignIn), ("SignInPerAddress", SignInPerAddress), ("NewGuests", NewGuests), ("SignUp", SignUp), ("KeySave", KeySave), ("Import", Import), ("Ingest", Ingest), ("Global", Global) })
        {
            Check(errors, name + ":PermitLimit", limit.PermitLimit);
            CheckWindow(errors, name + ":Window", limit.Window);
        }

        return errors;
    }

    private static void Check(List<string> errors, string name, int value)
    {
        if (value < 1)
        {
            errors.Add($"{Section}:{name} must be at least 1 (it is {value.ToString(CultureInfo.InvariantCulture)}).");
        }
    }

    private static void CheckWindow(List<string> errors, string name, TimeSpan value)
    {
        if (value <= TimeSpan.Zero)
        {
            errors.Add($"{Section}:{name} must be a positive time span such as 00:01:00 (it is {value}).");
        }
    }

    /// <summary><see cref="PermitLimit"/> requests per <see cref="Window"/>, counted in fixed windows.</summary>
    public sealed class WindowLimit
    {
        public int PermitLimit { get; set; }

        public TimeSpan Window { get; set; }

        /// <summary>For analytics: <c>"60/60000"</c> (permits per window in milliseconds).</summary>
        public string Bucket => $"{PermitLimit}/{(long)Window.TotalMilliseconds}";
    }

    /// <summary>
    /// Members may send <see cref="PermitLimit"/> messages per <see cref="Window"/>, guests <see cref="GuestPermitLimit"/>;
    /// at most <see cref="Burst"/> back to back, then one more each time a share of the window has passed.
    /// </summary>
    public sealed class SendLimit
    {
        public int PermitLimit { get; set; } = 20;

        public int GuestPermitLimit { get; set; } = 10;

        public int Burst { get; set; } = 5;

        public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(1);

        public int PermitsFor(bool isMember) => isMember ? PermitLimit : GuestPermitLimit;

        public string BucketFor(bool isMember) => $"{PermitsFor(isMember)}/{(long)Window.TotalMilliseconds}";
    }

    public sealed class ConcurrencyLimit
    {
        public int PermitLimit { get; set; } = 2;
    }
}
