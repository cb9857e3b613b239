namespace OpenChat.Web.Telemetry;

/// <summary>No API key: nothing is queued or sent, no task runs, no socket or HttpClient exists.</summary>
public sealed class DisabledPostHogClient : IPostHogClient
{
    public static readonly DisabledPostHogClient Instance = new();

    private DisabledPostHogClient()
    {
    }

    public bool IsEnabled => false;

    public PostHogCounters Counters => default;

    public void Capture(TelemetryEvent e)
    {
    }

    public Task FlushAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;
}
