using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace OpenChat.Web.Platform;

/// <summary><c>/healthz</c>: the process answers. <c>/readyz</c>: storage is reachable and migrated.</summary>
public static class HealthEndpoints
{
    public const string ReadyTag = "ready";

    public static WebApplication MapHealthEndpoints(this WebApplication app)
    {
        app.MapHealthChecks("/healthz", new HealthCheckOptions
        {
            Predicate = static _ => false,
            ResponseWriter = WriteAsync,
        }).DisableHttpMetrics().DisableRateLimiting();
        app.MapHealthChecks("/readyz", new HealthCheckOptions
        {
            Predicate = static check => check.Tags.Contains(ReadyTag),
            ResponseWriter = WriteAsync,
        }).DisableHttpMetrics().DisableRateLimiting();
        return app;
    }

    private static Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json; charset=utf-8";
        context.Response.Headers.CacheControl = "no-store";
        var body = new Dictionary<string, object?>
        {
            ["status"] = report.Status.ToString().ToLowerInvariant(),
        };
        foreach (var (name, entry) in report.Entries)
        {
            body[name] = new Dictionary<string, object?>
            {
                ["status"] = entry.Status.ToString().ToLowerInvariant(),
                ["description"] = entry.Description,
                ["data"] = entry.Data,
            };
        }

        return JsonSerializer.SerializeAsync(context.Response.Body, body, HealthJson.Options, context.RequestAborted);
    }

    private static class HealthJson
    {
        public static readonly JsonSerializerOptions Options = new() { WriteIndented = false };
    }
}
