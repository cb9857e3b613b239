using System.Globalization;
using OpenChat.Web.Telemetry;

namespace OpenChat.Web.Platform.RateLimiting;

/// <summary>
/// A 429 and what it tells: the sentence for the person, <c>Retry-After</c>, the policy (also in
/// <c>X-RateLimit-Policy</c>, which the browser's <c>chat.rate_limited</c> reads) and the numbers analytics gets.
/// </summary>
/// <param name="Policy">The analytics policy: <c>send</c>, <c>concurrency</c>, <c>auth</c>, <c>new_guest</c>, <c>key_save</c>, <c>ingest</c>, <c>global</c>.</param>
public sealed record RateLimitRejection(string Policy, string Message, int RetryAfterSeconds, int Limit, long? WindowMs, string Bucket)
{
    private const string ItemKey = "openchat.ratelimit.rejection";

    /// <summary>Concurrency has no window; a reply usually ends within this, so it is the hint in <c>Retry-After</c>.</summary>
    public const int ConcurrencyRetryAfterSeconds = 10;

    /// <summary>The rejection answered on this request (the error page shows its sentence).</summary>
    public static RateLimitRejection? Find(HttpContext context) => context.Items[ItemKey] as RateLimitRejection;

    public static RateLimitRejection For(RateLimitTarget target, RateLimitOptions options, TimeSpan? retryAfter)
    {
        if (target.Kind == RateLimitKind.Send)
        {
            var send = options.Send;
            var sendRetry = Seconds(retryAfter ?? send.Window / send.PermitsFor(target.IsMember));
            return new("send", $"You're sending messages faster than OpenChat allows ({send.PermitsFor(target.IsMember)} per {Per(send.Window)}). Try again in {Duration(TimeSpan.FromSeconds(sendRetry))}.",
                sendRetry, send.PermitsFor(target.IsMember), (long)send.Window.TotalMilliseconds, send.BucketFor(target.IsMember));
        }

        var (policy, limit, what) = target.Kind switch
        {
            RateLimitKind.SignIn => ("auth", options.SignIn, "Too many sign-in attempts for this email from your network."),
            RateLimitKind.SignInAddress => ("auth", options.SignInPerAddress, "Too many sign-in attempts from your network."),
            RateLimitKind.SignUp => ("auth", options.SignUp, "Too many new accounts from your network."),
            RateLimitKind.NewGuest => ("new_guest", options.NewGuests, "Too many new guests from your network. Sign in, or use the browser you started with."),
            RateLimitKind.KeySave => ("key_save", options.KeySave, "Too many key changes in a short time."),
            RateLimitKind.Import => ("import", options.Import, "Too many imports from your network."),
            RateLimitKind.Ingest => ("ingest", options.Ingest, "Too many analytics events from this browser."),
            _ => ("global", options.Global, "Too many requests from your network."),
        };
        var seconds = Seconds(retryAfter ?? limit.Window);
        return new(policy, $"{what} Try again in {Duration(TimeSpan.FromSeconds(seconds))}.", seconds, limit.PermitLimit, (long)limit.Window.TotalMilliseconds, limit.Bucket);
    }

    public static RateLimitRejection Concurrency(int limit) => new(
        "concurrency",
        $"You already have {limit} {(limit == 1 ? "reply" : "replies")} being written. Wait for one to finish (or press Stop), then send again.",
        ConcurrencyRetryAfterSeconds, limit, null, $"{limit}/running");

    /// <summary>The toast htmx puts in <c>#toasts</c> (replacing an earlier one).</summary>
    public string ToastHtml => FragmentResults.DangerToast(Message, $" data-rate-limit=\"{Policy}\"");

    /// <summary>Status 429, <c>Retry-After</c>, <c>X-RateLimit-Policy</c>; keeps the rejection for the error page.</summary>
    public void Apply(HttpContext context)
    {
        context.Items[ItemKey] = this;
        context.SetStatusMessage(Message);
        context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        context.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        context.Response.Headers["X-RateLimit-Policy"] = Policy;
    }

    /// <summary>
    /// As <see cref="Apply"/>, and for htmx the toast goes to <c>#toasts</c> whatever element made the request; from an
    /// open dialog (which sits above the page, toasts included) it goes at the end of that dialog instead.
    /// </summary>
    public void ApplyToast(HttpContext context)
    {
        Apply(context);
        var fromDialog = context.Request.Headers["HX-Target"] == "dialog-slot";
        context.Response.Headers["HX-Retarget"] = fromDialog ? "#dialog-slot dialog" : "#toasts";
        context.Response.Headers["HX-Reswap"] = fromDialog ? "beforeend" : "innerHTML";
    }

    /// <summary><c>chat.rate_limited</c> from the server (nothing when analytics may not capture this visitor).</summary>
    public Task CaptureAsync(ProductAnalytics analytics, Guid? chatId) =>
        analytics.CaptureAsync("chat.rate_limited", (p, scope, http) =>
        {
            p["policy"] = Policy;
            p["limit"] = Limit;
            p["window_ms"] = WindowMs;
            p["retry_after_s"] = RetryAfterSeconds;
            p["chat_id"] = chatId?.ToString("D");
            p["ip_hash"] = scope.IpHash;
            p["origin"] = $"{http.Request.Scheme}://{http.Request.Host}";
            p["rate_limit_bucket"] = Bucket;
        });

    /// <summary>"minute" for one minute, else "5 minutes".</summary>
    private static string Per(TimeSpan window) => Duration(window) is var d && d.StartsWith("1 ", StringComparison.Ordinal) ? d[2..] : d;

    private static int Seconds(TimeSpan value) => Math.Max(1, (int)Math.Ceiling(value.TotalSeconds));

    /// <summary>"12 seconds", "1 minute", "5 minutes", "1 hour" (rounded up).</summary>
    public static string Duration(TimeSpan value)
    {
        static string Unit(int n, string unit) => $"{n.ToString("N0", CultureInfo.InvariantCulture)} {unit}{(n == 1 ? "" : "s")}";
        var seconds = Math.Max(1, (int)Math.Ceiling(value.TotalSeconds));
        if (seconds < 90)
        {
            return seconds == 60 ? "1 minute" : Unit(seconds, "second");
        }

        var minutes = (int)Math.Ceiling(seconds / 60.0);
        return minutes % 60 == 0 ? Unit(minutes / 60, "hour") : Unit(minutes, "minute");
    }
}
