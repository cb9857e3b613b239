using System.IO.Compression;
using Microsoft.AspNetCore.ResponseCompression;
using Microsoft.Net.Http.Headers;
using OpenChat.Web.Platform.RateLimiting;

namespace OpenChat.Web.Platform;

/// <summary>Cross-cutting HTTP: pages, antiforgery, compression, static files, security headers, errors.</summary>
public static class WebPlatformExtensions
{
    /// <summary>The header htmx sends the antiforgery token in (set on &lt;body&gt; by the layout).</summary>
    public const string AntiforgeryHeaderName = "RequestVerificationToken";

    public static IServiceCollection AddWebPlatform(this IServiceCollection services, IWebHostEnvironment environment)
    {
        services.AddRazorPages(o =>
        {
            o.Conventions.ConfigureFilter(new PageMethodFilter());
            o.Conventions.ConfigureFilter(new AntiforgeryFailureFilter());
        });
        services.Configure<Microsoft.AspNetCore.Mvc.MvcOptions>(o =>
        {
            // jQuery-style keys ("a[b]") are never used here, and their parser throws on a malformed key (a 500 for random bytes).
            var jQuery = o.ValueProviderFactories
                .Where(f => f is Microsoft.AspNetCore.Mvc.ModelBinding.JQueryFormValueProviderFactory or Microsoft.AspNetCore.Mvc.ModelBinding.JQueryQueryStringValueProviderFactory)
                .ToList();
            jQuery.ForEach(f => o.ValueProviderFactories.Remove(f));
        });
        services.AddCspReports();
        services.AddHealthEndpoints();
        // No "Server: Kestrel" on responses: it tells an attacker what to try and tells a visitor nothing.
        services.Configure<Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions>(o => o.AddServerHeader = false);
        services.AddAntiforgery(o =>
        {
            o.HeaderName = AntiforgeryHeaderName;
            o.Cookie.Name = "oc_af";
            o.Cookie.SameSite = Microsoft.AspNetCore.Http.SameSiteMode.Strict;
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        });
        services.AddResponseCompression(o =>
        {
            o.EnableForHttps = true;
            o.Providers.Add<BrotliCompressionProvider>();
            o.Providers.Add<GzipCompressionProvider>();
            o.MimeTypes = ["text/html", "text/css", "text/javascript", "application/javascript", "application/json", "image/svg+xml", "text/plain"];
        });
        // Pages are dynamic and compressed on every response: the fastest levels cost a fraction of the CPU of
        // "Optimal" for a few percent more bytes (the load bench is CPU-bound on 2 cores).
        services.Configure<BrotliCompressionProviderOptions>(o => o.Level = CompressionLevel.Fastest);
        services.Configure<GzipCompressionProviderOptions>(o => o.Level = CompressionLevel.Fastest);
        if (!environment.IsDevelopment())
        {
            services.AddHsts(o =>
            {
                o.MaxAge = TimeSpan.FromDays(365);
                o.IncludeSubDomains = true;
            });
        }

        return services;
    }

    public static WebApplication UseWebPlatform(this WebApplication app)
    {
        app.UseTrustedProxies();
        app.UseMiddleware<HostPrefixedCookies>();
        // Explicitly here (the host would otherwise put them first of all): cookies are read after their names are settled.
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseMiddleware<SecurityHeadersMiddleware>();
        if (!app.Environment.IsDevelopment())
        {
            app.UseExceptionHandler("/Error");
            app.UseHsts();
        }

        app.UseStatusCodePagesWithReExecute("/Error", "?code={0}");
        app.UseResponseCompression();
        app.UseStaticFiles(new StaticFileOptions
        {
            OnPrepareResponse = static context =>
            {
                // Files linked with asp-append-version carry ?v=<hash>: their content never changes under that URL.
                var versioned = context.Context.Request.Query.ContainsKey("v");
                context.Context.Response.Headers[HeaderNames.CacheControl] = versioned
                    ? "public, max-age=31536000, immutable"
                    : "public, max-age=3600";
            },
        });
        app.UseRouting();
        app.UseRequestSizeLimits();
        app.UseRateLimits();
        app.UseAntiforgery();
        return app;
    }
}
