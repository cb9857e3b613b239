namespace OpenChat.Web.Web;

/// <summary>Adds the security headers every response carries (DESIGN.md §8).</summary>
public sealed class SecurityHeadersMiddleware(RequestDelegate next)
{
    /// <summary>The policy itself (no inline script or style, no eval), as the issue states it.</summary>
    public const string Policy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; " +
        "frame-ancestors 'none'; base-uri 'self'; form-action 'self'";

    /// <summary>The header: the policy plus where violations are reported (report-to for current browsers, report-uri for the rest).</summary>
    public const string ContentSecurityPolicy =
        Policy + "; report-uri " + CspReportEndpoint.Path + "; report-to " + CspReportEndpoint.ReportingEndpointName;

    public const string ReportingEndpoints = CspReportEndpoint.ReportingEndpointName + "=\"" + CspReportEndpoint.Path + "\"";

    public Task InvokeAsync(HttpContext context)
    {
        context.Response.OnStarting(static state =>
        {
            var headers = ((HttpContext)state).Response.Headers;
            headers.ContentSecurityPolicy = ContentSecurityPolicy;
            headers["Reporting-Endpoints"] = ReportingEndpoints;
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            headers["Referrer-Policy"] = "strict-origin-when-cross-origin";
            headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()";
            headers["Cross-Origin-Opener-Policy"] = "same-origin";
            return Task.CompletedTask;
        }, context);

        return next(context);
    }
}
