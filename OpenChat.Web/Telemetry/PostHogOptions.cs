namespace OpenChat.Web.Telemetry;

/// <summary><c>PostHog:*</c> settings (also <c>POSTHOG_API_KEY</c>, <c>POSTHOG_HOST</c>). No key means telemetry is off.</summary>
public sealed class PostHogOptions
{
    public const string Section = "PostHog";

    /// <summary>The project token (<c>phc_...</c>); write-only. Empty = telemetry disabled (no queue, no task, no socket).</summary>
    public string? ApiKey { get; set; }

    /// <summary>Capture host; batches go to <c>{Host}/batch/</c>. US cloud by default, <c>https://eu.i.posthog.com</c> for EU.</summary>
    public Uri Host { get; set; } = new("https://us.i.posthog.com");

    /// <summary>Events held in memory while waiting to be sent; when full the oldest is dropped (and counted).</summary>
    public int QueueCapacity { get; set; } = 10_000;

    /// <summary>Events per request; this many queued events also trigger a send without waiting for <see cref="FlushInterval"/>.</summary>
    public int BatchSize { get; set; } = 100;

    /// <summary>How often queued events are sent when fewer than <see cref="BatchSize"/> are waiting.</summary>
    public TimeSpan FlushInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Per-request timeout, so a hanging PostHog never stalls the sender.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Retries of a batch after its first attempt (5xx, 408, 429, timeouts, network errors); then it is counted failed.</summary>
    public int MaxRetries { get; set; } = 3;

    /// <summary>Delay before the first retry; doubled on each further retry (with ±20 % jitter) up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Upper bound of a retry delay (also caps a 429's <c>Retry-After</c>).</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long the final flush may take when the app stops; what is still queued after that is dropped (counted).</summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How often the counters are logged at Debug level (they are also logged at Information on shutdown).</summary>
    public TimeSpan CountersLogInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// <c>chat.rate_limited</c> goes out at most once per policy, bucket and client address per window, with the number of
    /// refusals in it (<c>refused_count</c>): a flood of refused requests is one event.
    /// </summary>
    public TimeSpan RateLimitedEventWindow { get; set; } = TimeSpan.FromMinutes(1);

    public bool Enabled => !string.IsNullOrWhiteSpace(ApiKey);

    /// <summary>Every problem with the settings, each message naming its setting (empty = valid).</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (!Host.IsAbsoluteUri || (Host.Scheme != Uri.UriSchemeHttp && Host.Scheme != Uri.UriSchemeHttps))
        {
            errors.Add("PostHog:Host (POSTHOG_HOST) must be an absolute http or https URL, for example https://eu.i.posthog.com.");
        }

        if (QueueCapacity is < 1 or > 1_000_000)
        {
            errors.Add($"PostHog:QueueCapacity must be from 1 to 1000000 events (it is {QueueCapacity}).");
        }

        if (BatchSize is < 1 or > 1_000)
        {
            errors.Add($"PostHog:BatchSize must be from 1 to 1000 events (it is {BatchSize}).");
        }

        CheckDuration(errors, "PostHog:FlushInterval", FlushInterval, TimeSpan.FromMilliseconds(1), TimeSpan.FromHours(1), "00:00:05");
        CheckDuration(errors, "PostHog:RequestTimeout", RequestTimeout, TimeSpan.FromMilliseconds(1), TimeSpan.FromMinutes(5), "00:00:10");
        if (MaxRetries is < 0 or > 20)
        {
            errors.Add($"PostHog:MaxRetries must be from 0 to 20 (it is {MaxRetries}).");
        }

        CheckDuration(errors, "PostHog:RetryBaseDelay", RetryBaseDelay, TimeSpan.FromMilliseconds(1), TimeSpan.FromMinutes(5), "00:00:01");
        CheckDuration(errors, "PostHog:MaxRetryDelay", MaxRetryDelay, TimeSpan.FromMilliseconds(1), TimeSpan.FromHours(1), "00:00:30");
        if (MaxRetryDelay < RetryBaseDelay)
        {
            errors.Add($"PostHog:MaxRetryDelay ({MaxRetryDelay}) must not be shorter than PostHog:RetryBaseDelay ({RetryBaseDelay}).");
        }

        CheckDuration(errors, "PostHog:ShutdownTimeout", ShutdownTimeout, TimeSpan.Zero, TimeSpan.FromMinutes(1), "00:00:05");
        CheckDuration(errors, "PostHog:RateLimitedEventWindow", RateLimitedEventWindow, TimeSpan.FromMilliseconds(10), TimeSpan.FromHours(1), "00:01:00");
        CheckDuration(errors, "PostHog:CountersLogInterval", CountersLogInterval, TimeSpan.FromMilliseconds(1), TimeSpan.FromDays(1), "00:01:00");
        return errors;
    }

    private static void CheckDuration(List<string> errors, string setting, TimeSpan value, TimeSpan min, TimeSpan max, string example)
    {
        if (value < min || value > max)
        {
            errors.Add($"{setting} must be a duration from {min} to {max}, for example {example} (it is {value}).");
        }
    }
}
