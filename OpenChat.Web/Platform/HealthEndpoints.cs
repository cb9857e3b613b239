using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace OpenChat.Web.Platform;

/// <summary>
/// <c>/healthz</c>: the process answers. <c>/readyz</c>: storage is reachable and migrated, with counters. Only the overall
/// status for callers from elsewhere; the detail for the machine itself (loopback, through no proxy) or with
/// <c>Health:DetailToken</c>. <c>/readyz</c> is rate limited per client (<c>Health:ReadyPermitLimit</c> per <c>Health:ReadyWindow</c>)
/// and its storage probe runs at most once a second (<see cref="Storage.StorageProbe"/>).
/// </summary>
public static class HealthEndpoints
{
    public const string ReadyTag = "ready";
    public const string ReadyRateLimitPolicy = "readyz";

    public static IServiceCollection AddHealthEndpoints(this IServiceCollection services)
    {
        services.AddOptions<HealthOptions>().BindConfiguration(HealthOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<HealthOptions>, HealthOptionsValidator>();
        services.AddRateLimiter(o => o.AddPolicy(ReadyRateLimitPolicy, context =>
        {
            var health = context.RequestServices.GetRequiredService<IOptions<HealthOptions>>().Value;
            return RateLimitPartition.GetFixedWindowLimiter(
                context.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                _ => new FixedWindowRateLimiterOptions { PermitLimit = health.ReadyPermitLimit, Window = health.ReadyWindow, QueueLimit = 0 });
        }));
        return services;
    }

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
        }).DisableHttpMetrics().RequireRateLimiting(ReadyRateLimitPolicy);
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
        if (MaySeeDetail(context))
        {
            foreach (var (name, entry) in report.Entries)
            {
                body[name] = new Dictionary<string, object?>
                {
                    ["status"] = entry.Status.ToString().ToLowerInvariant(),
                    ["description"] = entry.Description,
                    ["data"] = entry.Data,
                };
            }
        }

        return JsonSerializer.SerializeAsync(context.Response.Body, body, HealthJson.Options, context.RequestAborted);
    }

    /// <summary>
    /// The machine itself (a loopback caller with no forwarding header: a proxy on the same host adds one) or a caller with the token.
    /// </summary>
    private static bool MaySeeDetail(HttpContext context)
    {
        var token = context.RequestServices.GetRequiredService<IOptions<HealthOptions>>().Value.DetailToken;
        var authorization = context.Request.Headers.Authorization.ToString();
        if (!string.IsNullOrEmpty(token) && authorization.StartsWith("Bearer ", StringComparison.Ordinal) &&
            CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(authorization["Bearer ".Length..].Trim()), Encoding.UTF8.GetBytes(token)))
        {
            return true;
        }

        return context.Connection.RemoteIpAddress is { } address && IPAddress.IsLoopback(address) &&
               !context.Request.Headers.ContainsKey("X-Forwarded-For") && !context.Request.Headers.ContainsKey("Forwarded");
    }

    private sealed class HealthOptionsValidator : IValidateOptions<HealthOptions>
    {
        public ValidateOptionsResult Validate(string? name, HealthOptions options)
        {
            var errors = options.Validate();
            return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
        }
    }

    private static class HealthJson
    {
        public static readonly JsonSerializerOptions Options = new() { WriteIndented = false };
    }
}
