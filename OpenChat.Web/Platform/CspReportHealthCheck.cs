using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace OpenChat.Web.Platform;

/// <summary>Always healthy; shows the CSP report counters on <c>/readyz</c>.</summary>
public sealed class CspReportHealthCheck(CspReportCounter counter) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(HealthCheckResult.Healthy("CSP violation reports received since start.", new Dictionary<string, object>
        {
            ["violations"] = counter.Violations,
            ["rejected"] = counter.Rejected,
        }));
}
