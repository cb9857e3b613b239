using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace OpenChat.Web.Telemetry;

/// <summary>Always healthy (telemetry never makes the app unready); its data shows the PostHog counters on <c>/readyz</c>.</summary>
public sealed class TelemetryHealthCheck(IPostHogClient client) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var counters = client.Counters;
        var data = new Dictionary<string, object>
        {
            ["enabled"] = client.IsEnabled,
            ["queued"] = counters.Queued,
            ["sent"] = counters.Sent,
            ["dropped"] = counters.Dropped,
            ["failed"] = counters.Failed,
            ["retried"] = counters.Retried,
        };
        return Task.FromResult(HealthCheckResult.Healthy(client.IsEnabled ? "PostHog telemetry is on." : "PostHog telemetry is off (no PostHog:ApiKey).", data));
    }
}
