namespace OpenChat.Web.Telemetry;

/// <summary>
/// Runs the sender of an enabled <see cref="PostHogClient"/> with the app and makes its final flush on shutdown
/// (after the server stopped taking requests: hosted services stop after the server). With telemetry disabled it starts nothing.
/// </summary>
public sealed class TelemetryHostedService(IPostHogClient client, ProductAnalytics analytics) : IHostedService
{
    /// <summary>True between start and stop when there is a sender to run (never when telemetry is disabled).</summary>
    public bool IsRunning { get; private set; }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (client is PostHogClient posthog)
        {
            posthog.Start();
            IsRunning = true;
        }

        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (client is PostHogClient posthog)
        {
            analytics.FlushRateLimited();
            await posthog.StopAsync(cancellationToken);
        }

        IsRunning = false;
    }
}
