using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.AspNetCore.Mvc.RazorPages;
using OpenChat.Web.Platform;

namespace OpenChat.Web.Telemetry;

/// <summary>
/// <c>$pageview</c> for every full or boosted page render (fragments, redirects and errors are not page views), plus
/// <c>marketing.visit_landing</c> and <c>dashboard.entered</c> once per visitor session.
/// </summary>
public sealed class TelemetryPageFilter(ProductAnalytics analytics) : IAsyncPageFilter
{
    private const string SessionCookie = "oc_ses";

    public Task OnPageHandlerSelectionAsync(PageHandlerSelectedContext context) => Task.CompletedTask;

    public async Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        var executed = await next();
        var http = context.HttpContext;
        if (!analytics.IsEnabled || executed.Exception is not null || executed.Result is not PageResult || http.Request.WantsFragment() ||
            http.Response.StatusCode >= 400 || await analytics.ScopeAsync(http) is not { } scope)
        {
            return;
        }

        var request = http.Request;
        var page = PageName(context.ActionDescriptor.ViewEnginePath);
        var (referrer, referrerDomain) = Referrer(request);
        var currentUrl = CurrentUrl(request);
        analytics.Capture(scope, "$pageview", p =>
        {
            p["$current_url"] = currentUrl;
            p["$pathname"] = request.Path.Value;
            p["$referrer"] = referrer;
            p["referrer_domain"] = referrerDomain;
            p["entry_path"] = request.Path.Value;
            p["page"] = page;
            p["is_boosted"] = request.IsBoosted();
        });

        var seen = request.Cookies[SessionCookie] ?? string.Empty;
        if (page == "index" && !seen.Contains('l', StringComparison.Ordinal))
        {
            analytics.Capture(scope, "marketing.visit_landing", p =>
            {
                p["referrer_url"] = referrer;
                p["referrer_domain"] = referrerDomain;
                p["utm_source"] = request.Query["utm_source"].ToString() is { Length: > 0 } source ? source : null;
                p["utm_medium"] = request.Query["utm_medium"].ToString() is { Length: > 0 } medium ? medium : null;
                p["utm_campaign"] = request.Query["utm_campaign"].ToString() is { Length: > 0 } campaign ? campaign : null;
                p["entry_path"] = request.Path.Value;
                p["session_is_guest"] = scope.OwnerId is not null && !scope.IsMember;
            });
            MarkSeen(http, seen + "l");
        }
        else if (context.HandlerInstance is IDashboardPage dashboard && !seen.Contains('d', StringComparison.Ordinal))
        {
            analytics.Capture(scope, "dashboard.entered", p =>
            {
                p["chat_total"] = dashboard.ChatTotal;
                p["has_api_key"] = dashboard.HasApiKey;
                p["entry_path"] = request.Path.Value;
                p["brand_theme"] = scope.SuperProperties["brand_theme"];
            });
            MarkSeen(http, seen + "d");
        }
    }

    /// <summary><c>/Chat/Thread</c> → <c>chat/thread</c>.</summary>
    private static string PageName(string viewEnginePath) => viewEnginePath.TrimStart('/').ToLowerInvariant();

    /// <summary>The page address with only <c>utm_*</c> parameters kept (nothing else from a query string leaves the app).</summary>
    private static string CurrentUrl(HttpRequest request)
    {
        var utm = request.Query.Where(q => q.Key.StartsWith("utm_", StringComparison.OrdinalIgnoreCase))
            .Select(q => $"{Uri.EscapeDataString(q.Key)}={Uri.EscapeDataString(q.Value.ToString())}")
            .ToList();
        var url = $"{request.Scheme}://{request.Host}{request.PathBase}{request.Path}";
        return utm.Count == 0 ? url : url + "?" + string.Join('&', utm);
    }

    /// <summary>Where the visitor came from, without path or query (only the origin), and its host ("direct" when none).</summary>
    private static (string? Referrer, string Domain) Referrer(HttpRequest request)
    {
        var header = request.IsBoosted() ? request.Headers["HX-Current-URL"].ToString() : request.Headers.Referer.ToString();
        if (!Uri.TryCreate(header, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            return (null, "direct");
        }

        return ($"{uri.Scheme}://{uri.Authority}/", uri.Host);
    }

    private static void MarkSeen(HttpContext context, string seen) =>
        context.Response.Cookies.Append(SessionCookie, seen, new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Lax,
            Secure = context.Request.IsHttps,
            Path = "/",
        });
}
