using System.Text.Json;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http.Features;

namespace OpenChat.Web.Platform;

/// <summary>
/// <c>POST /csp-report</c>: browsers report Content-Security-Policy violations here (<c>report-uri</c> sends
/// <c>application/csp-report</c>; the Reporting API's <c>application/reports+json</c> is accepted too, for a deployment that
/// adds <c>report-to</c>). The app ships no
/// inline script or style, so any report is a bug or an attack; they are counted (<c>csp</c> on <c>/readyz</c>) and logged
/// with the directive and the blocked origin only (never the page URL, which names chats). Browsers post it without a token,
/// so it has no antiforgery; it changes nothing but a counter, is rate limited per client and takes at most 16 KB.
/// </summary>
public static class CspReportEndpoint
{
    public const string Path = "/csp-report";
    public const string RateLimitPolicy = "csp-report";
    public const int MaxBytes = 16 * 1024;
    public const int PermitsPerMinute = 30;

    public static IServiceCollection AddCspReports(this IServiceCollection services)
    {
        services.AddSingleton<CspReportCounter>();
        services.AddRateLimiter(o => o.AddPolicy(RateLimitPolicy, context => RateLimitPartition.GetFixedWindowLimiter(
            context.Connection.RemoteIpAddress?.ToString() ?? "unknown",
            _ => new FixedWindowRateLimiterOptions { PermitLimit = PermitsPerMinute, Window = TimeSpan.FromMinutes(1) })));
        services.AddHealthChecks().AddCheck<CspReportHealthCheck>("csp", tags: [HealthEndpoints.ReadyTag]);
        return services;
    }

    public static IEndpointRouteBuilder MapCspReports(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost(Path, ReceiveAsync).DisableAntiforgery().RequireRateLimiting(RateLimitPolicy);
        return endpoints;
    }

    private static async Task<IResult> ReceiveAsync(HttpContext context, CspReportCounter counter, ILoggerFactory loggers)
    {
        var mediaType = context.Request.ContentType?.Split(';', 2)[0].Trim().ToLowerInvariant();
        if (mediaType is not ("application/csp-report" or "application/reports+json" or "application/json"))
        {
            counter.Reject();
            return Results.Text("Send application/csp-report or application/reports+json.", statusCode: StatusCodes.Status415UnsupportedMediaType);
        }

        if (context.Request.ContentLength > MaxBytes)
        {
            counter.Reject();
            return Results.Text($"At most {MaxBytes} bytes per report.", statusCode: StatusCodes.Status413PayloadTooLarge);
        }

        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature)
        {
            feature.MaxRequestBodySize = MaxBytes;
        }

        JsonDocument document;
        try
        {
            using var buffer = new MemoryStream();
            await context.Request.Body.CopyToAsync(buffer, context.RequestAborted);
            if (buffer.Length > MaxBytes)
            {
                counter.Reject();
                return Results.Text($"At most {MaxBytes} bytes per report.", statusCode: StatusCodes.Status413PayloadTooLarge);
            }

            document = JsonDocument.Parse(buffer.ToArray());
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            counter.Reject();
            return Results.Text($"At most {MaxBytes} bytes per report.", statusCode: StatusCodes.Status413PayloadTooLarge);
        }
        catch (Exception e) when (e is JsonException or BadHttpRequestException)
        {
            counter.Reject();
            return Results.Text("A report must be JSON.", statusCode: StatusCodes.Status400BadRequest);
        }

        using (document)
        {
            var logger = loggers.CreateLogger(typeof(CspReportEndpoint).FullName!);
            var violations = Violations(document.RootElement).ToList();
            if (violations.Count == 0)
            {
                counter.Reject();
                return Results.Text("No CSP violation in this report.", statusCode: StatusCodes.Status400BadRequest);
            }

            foreach (var (directive, blocked) in violations)
            {
                counter.Count();
                logger.LogWarning("CSP violation: {Directive} blocked {Blocked}", LogText.Clean(directive), LogText.Clean(blocked));
            }
        }

        return Results.NoContent();
    }

    /// <summary>The violations in either format, each as (directive, blocked origin or keyword).</summary>
    private static IEnumerable<(string Directive, string Blocked)> Violations(JsonElement root)
    {
        if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("csp-report", out var legacy) && legacy.ValueKind == JsonValueKind.Object)
        {
            yield return (Text(legacy, "effective-directive") ?? Text(legacy, "violated-directive") ?? "unknown", Blocked(Text(legacy, "blocked-uri")));
            yield break;
        }

        if (root.ValueKind != JsonValueKind.Array)
        {
            yield break;
        }

        foreach (var report in root.EnumerateArray().Take(100))
        {
            if (report.ValueKind == JsonValueKind.Object && Text(report, "type") == "csp-violation" &&
                report.TryGetProperty("body", out var body) && body.ValueKind == JsonValueKind.Object)
            {
                yield return (Text(body, "effectiveDirective") ?? "unknown", Blocked(Text(body, "blockedURL")));
            }
        }
    }

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? Clip(value.GetString()!) : null;

    private static string Clip(string text) => text.Length > 64 ? text[..64] : text;

    /// <summary>"inline", "eval", ... as sent; a URL only as its origin (its path and query may carry ids).</summary>
    private static string Blocked(string? blocked) =>
        blocked is null ? "unknown"
        : Uri.TryCreate(blocked, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" ? uri.GetLeftPart(UriPartial.Authority)
        : Uri.TryCreate(blocked, UriKind.Absolute, out uri) ? uri.Scheme + ":"
        : blocked.Length > 16 ? blocked[..16] : blocked;
}
