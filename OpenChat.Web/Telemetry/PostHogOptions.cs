namespace OpenChat.Web.Telemetry;

/// <summary><c>PostHog:*</c> settings (also <c>POSTHOG_API_KEY</c>, <c>POSTHOG_HOST</c>). No key means telemetry is off.</summary>
public sealed class PostHogOptions
{
    public const string Section = "PostHog";

    public string? ApiKey { get; set; }

    public Uri Host { get; set; } = new("https://us.i.posthog.com");

    public bool Enabled => !string.IsNullOrWhiteSpace(ApiKey);
}
