using System.Net;
using OpenChat.Web.Tests.Infrastructure;

namespace OpenChat.Web.Tests.Platform;

[Trait("Category", TestCategories.Integration)]
public sealed class SecurityHeadersTests : IClassFixture<FileBackedApp>
{
    private readonly AppHost _host;

    public SecurityHeadersTests(FileBackedApp fixture) => _host = fixture.Host;

    [Theory]
    [InlineData("GET", "/")]
    [InlineData("GET", "/css/app.css")]
    [InlineData("GET", "/healthz")]
    [InlineData("GET", "/readyz")]
    [InlineData("GET", "/no-such-page")]
    [InlineData("GET", "/chat/live?tab=x")]
    [InlineData("POST", "/chat")]
    [InlineData("POST", "/csp-report")]
    public async Task No_response_names_the_server_software(string method, string path)
    {
        using var client = _host.CreateHttpClient();
        using var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), new Uri(path, UriKind.Relative)));

        Assert.False(response.Headers.Contains("Server"), $"{method} {path}: Server: {string.Join(", ", response.Headers.Server)}");
        Assert.False(response.Headers.Contains("X-Powered-By"));
    }

    [Theory]
    [InlineData("/", HttpStatusCode.OK)]
    [InlineData("/chat", HttpStatusCode.OK)]
    [InlineData("/css/app.css", HttpStatusCode.OK)]
    [InlineData("/healthz", HttpStatusCode.OK)]
    [InlineData("/no-such-page", HttpStatusCode.NotFound)]
    [InlineData("/readyz", HttpStatusCode.OK)]
    [InlineData("/js/openchat.js", HttpStatusCode.OK)]
    public async Task Every_response_carries_the_security_headers(string path, HttpStatusCode status)
    {
        using var client = _host.CreateHttpClient();
        using var response = await client.GetAsync(new Uri(path, UriKind.Relative));

        Assert.Equal(status, response.StatusCode);
        var csp = Header(response, "Content-Security-Policy");
        Assert.Equal(
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; " +
            "frame-ancestors 'none'; base-uri 'self'; form-action 'self'; report-uri /csp-report",
            csp);
        Assert.Contains("default-src 'self'", csp, StringComparison.Ordinal);
        Assert.Contains("script-src 'self'", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-inline", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-eval", csp, StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", csp, StringComparison.Ordinal);
        Assert.Equal("nosniff", Header(response, "X-Content-Type-Options"));
        Assert.Equal("strict-origin-when-cross-origin", Header(response, "Referrer-Policy"));
        Assert.Equal("DENY", Header(response, "X-Frame-Options"));
        Assert.Contains("camera=()", Header(response, "Permissions-Policy"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Hsts_is_not_sent_over_plain_http()
    {
        using var client = _host.CreateHttpClient();
        using var response = await client.GetAsync(new Uri("/", UriKind.Relative));

        Assert.False(response.Headers.Contains("Strict-Transport-Security"));
    }

    [Fact]
    public async Task Marketing_pages_set_no_cookie_so_they_can_be_cached()
    {
        using var client = _host.CreateHttpClient();
        using var response = await client.GetAsync(new Uri("/", UriKind.Relative));

        Assert.False(response.Headers.Contains("Set-Cookie"));
    }

    [Fact]
    public async Task Antiforgery_cookie_is_http_only_and_same_site()
    {
        using var client = _host.CreateHttpClient();
        using var response = await client.GetAsync(new Uri("/chat", UriKind.Relative));

        var cookie = Assert.Single(response.Headers.GetValues("Set-Cookie"), c => c.StartsWith("oc_af=", StringComparison.Ordinal));
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);
    }

    private static string Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) || response.Content.Headers.TryGetValues(name, out values)
            ? string.Join(", ", values)
            : throw new Xunit.Sdk.XunitException($"{name} is missing");
}
