using System.Net;
using OpenChat.Web.Tests.Infrastructure;

namespace OpenChat.Web.Tests.Platform;

/// <summary>
/// <c>X-Forwarded-For</c> decides who the client is only when it comes from a proxy listed in <c>ForwardedHeaders:*</c>.
/// Seen through the global rate limit (2 requests per address): its partition is the client's address.
/// </summary>
[Trait("Category", TestCategories.Integration)]
public sealed class TrustedProxiesTests
{
    [Theory]
    [InlineData(null, null)]
    [InlineData("10.0.0.2", null)]
    [InlineData(null, "10.0.0.0/8")]
    public async Task A_spoofed_forwarded_address_from_an_unlisted_address_changes_nothing(string? proxies, string? networks)
    {
        using var app = new AppHost(Settings(proxies, networks)).Start();
        var client = app.CreateHttpClient();

        Assert.Equal(HttpStatusCode.OK, await GetAsync(client, "203.0.113.1"));
        Assert.Equal(HttpStatusCode.OK, await GetAsync(client, "203.0.113.2"));
        Assert.Equal(HttpStatusCode.TooManyRequests, await GetAsync(client, "203.0.113.3"));
    }

    [Theory]
    [InlineData("127.0.0.1", null)]
    [InlineData(null, "127.0.0.0/8")]
    [InlineData("10.0.0.2, 127.0.0.1", null)]
    public async Task Behind_a_listed_proxy_the_forwarded_address_is_the_client(string? proxies, string? networks)
    {
        using var app = new AppHost(Settings(proxies, networks)).Start();
        var client = app.CreateHttpClient();

        Assert.Equal(HttpStatusCode.OK, await GetAsync(client, "203.0.113.1"));
        Assert.Equal(HttpStatusCode.OK, await GetAsync(client, "203.0.113.1"));
        Assert.Equal(HttpStatusCode.TooManyRequests, await GetAsync(client, "203.0.113.1"));
        Assert.Equal(HttpStatusCode.OK, await GetAsync(client, "203.0.113.2"));
    }

    [Theory]
    [InlineData("ForwardedHeaders:KnownProxies", "not-an-ip", "'not-an-ip' is not an IP address")]
    [InlineData("ForwardedHeaders:KnownNetworks", "10.0.0.0/99", "'10.0.0.0/99' is not a network in CIDR form")]
    public void A_bad_proxy_setting_stops_start_up_with_its_name(string key, string value, string message)
    {
        var error = Assert.ThrowsAny<Exception>(() => new AppHost(new Dictionary<string, string?> { [key] = value }).Start());
        Assert.Contains(message, error.ToString(), StringComparison.Ordinal);
    }

    private static Dictionary<string, string?> Settings(string? proxies, string? networks) => new()
    {
        ["RateLimits:Global:PermitLimit"] = "2",
        ["RateLimits:Global:Window"] = "01:00:00",
        ["ForwardedHeaders:KnownProxies"] = proxies,
        ["ForwardedHeaders:KnownNetworks"] = networks,
    };

    private static async Task<HttpStatusCode> GetAsync(HttpClient client, string forwardedFor)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/privacy");
        request.Headers.Add("X-Forwarded-For", forwardedFor);
        using var response = await client.SendAsync(request);
        return response.StatusCode;
    }
}
