using System.Net;
using Microsoft.AspNetCore.HttpOverrides;

namespace OpenChat.Web.Platform;

/// <summary>
/// <c>ForwardedHeaders:KnownProxies</c> / <c>ForwardedHeaders:KnownNetworks</c>: the proxies whose <c>X-Forwarded-For</c>
/// and <c>X-Forwarded-Proto</c> are believed. With none listed (the default) the headers are ignored and the client is
/// the connection's address: anyone can send the header, so only a proxy we know may set who the client is (rate
/// limits and the IP hash depend on it). ASP.NET's own default trusts loopback; that default is cleared too.
/// </summary>
public static class TrustedProxies
{
    public const string Section = "ForwardedHeaders";

    public static IServiceCollection AddTrustedProxies(this IServiceCollection services, IConfiguration configuration)
    {
        var proxies = Values(configuration, "KnownProxies").Select(v => IPAddress.TryParse(v, out var address)
            ? address
            : throw new InvalidOperationException($"{Section}:KnownProxies: '{v}' is not an IP address (e.g. 10.0.0.2).")).ToList();
        var networks = Values(configuration, "KnownNetworks").Select(v => System.Net.IPNetwork.TryParse(v, out var network)
            ? network
            : throw new InvalidOperationException($"{Section}:KnownNetworks: '{v}' is not a network in CIDR form (e.g. 10.0.0.0/8).")).ToList();
        services.Configure<ForwardedHeadersOptions>(o =>
        {
            o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            o.KnownProxies.Clear();
            o.KnownIPNetworks.Clear();
            proxies.ForEach(o.KnownProxies.Add);
            networks.ForEach(o.KnownIPNetworks.Add);
        });
        return services;
    }

    /// <summary>First in the pipeline, and only when a proxy is listed (with empty lists the middleware would trust everyone).</summary>
    public static WebApplication UseTrustedProxies(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<ForwardedHeadersOptions>>().Value;
        if (options.KnownProxies.Count > 0 || options.KnownIPNetworks.Count > 0)
        {
            app.UseForwardedHeaders();
        }

        return app;
    }

    /// <summary>A list (<c>KnownProxies:0</c>, <c>KnownProxies:1</c>, ...) or one comma-separated value (handy in environment variables).</summary>
    private static IEnumerable<string> Values(IConfiguration configuration, string key)
    {
        var section = configuration.GetSection(Section).GetSection(key);
        var values = section.Value is { } single ? [single] : section.GetChildren().Select(c => c.Value ?? string.Empty);
        return values.SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
    }
}
