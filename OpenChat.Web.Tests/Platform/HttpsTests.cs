using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using AngleSharp.Html.Parser;
using OpenChat.Web.Tests.Infrastructure;

namespace OpenChat.Web.Tests.Platform;

/// <summary>
/// Served over HTTPS (a real Kestrel TLS endpoint with a throwaway self-signed certificate), outside Development:
/// HSTS is sent and every cookie the app sets is <c>Secure</c>. Over plain HTTP the same cookies are not (SameAsRequest).
/// </summary>
[Trait("Category", TestCategories.Integration)]
public sealed class HttpsTests : IDisposable
{
    private readonly string _certificatePath = Path.Combine(Path.GetTempPath(), $"openchat-test-{Guid.NewGuid():N}.pfx");
    private const string CertificatePassword = "test-only";

    public HttpsTests()
    {
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest("CN=127.0.0.1", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddDnsName("openchat.example");
        request.CertificateExtensions.Add(names.Build());
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        File.WriteAllBytes(_certificatePath, certificate.Export(X509ContentType.Pfx, CertificatePassword));
        _thumbprint = certificate.GetCertHashString(HashAlgorithmName.SHA256);
    }

    private readonly string _thumbprint;

    [Fact]
    public async Task Over_https_hsts_is_sent_and_every_cookie_is_secure()
    {
        await using var postHog = await FakePostHog.StartAsync();
        using var host = new AppHost(new Dictionary<string, string?>
        {
            ["Kestrel:Endpoints:Https:Url"] = "https://127.0.0.1:0",
            ["Kestrel:Endpoints:Https:Certificate:Path"] = _certificatePath,
            ["Kestrel:Endpoints:Https:Certificate:Password"] = CertificatePassword,
            ["PostHog:Host"] = postHog.BaseUrl.ToString(),
            ["PostHog:ApiKey"] = "phc_test",
        }).Start();
        Assert.Equal("https", host.BaseAddress.Scheme);

        var cookies = await JourneyCookiesAsync(host.BaseAddress, _thumbprint, hostHeader: "openchat.example", check: response =>
        {
            // UseHsts leaves out localhost and 127.0.0.1, so the requests name a real-looking host.
            Assert.Equal("max-age=31536000; includeSubDomains", response.Headers.GetValues("Strict-Transport-Security").Single());
        });

        // __Host- cookies: Secure, Path=/, no Domain, so no other site under the same domain can plant or read them.
        Assert.Equal(["__Host-oc_af", "__Host-oc_aid", "__Host-oc_id", "__Host-oc_ses", "__Host-oc_theme"], cookies.Select(c => c.Name).Distinct().Order());
        Assert.All(cookies, c => Assert.True(c.Secure, $"{c.Name} is not Secure: {c.Raw}"));
        Assert.All(cookies, c => Assert.True(c.HttpOnly, $"{c.Name} is not HttpOnly: {c.Raw}"));
        Assert.All(cookies, c => Assert.Contains("path=/", c.Raw, StringComparison.OrdinalIgnoreCase));
        Assert.All(cookies, c => Assert.DoesNotContain("domain=", c.Raw, StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task Over_https_a_planted_cookie_without_the_host_prefix_is_ignored()
    {
        using var host = new AppHost(new Dictionary<string, string?>
        {
            ["Kestrel:Endpoints:Https:Url"] = "https://127.0.0.1:0",
            ["Kestrel:Endpoints:Https:Certificate:Path"] = _certificatePath,
            ["Kestrel:Endpoints:Https:Certificate:Password"] = CertificatePassword,
        }).Start();
        var cookies = await JourneyCookiesAsync(host.BaseAddress, _thumbprint, hostHeader: null, check: _ => { });
        var member = cookies.Last(c => c.Name.EndsWith("oc_id", StringComparison.Ordinal));

        // What a sibling subdomain (or a man in the middle on plain http) could set: the same value under the bare name.
        using var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseCookies = false,
            SslOptions = { RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                certificate is not null && certificate.GetCertHashString(HashAlgorithmName.SHA256) == _thumbprint },
        };
        using var client = new HttpClient(handler) { BaseAddress = host.BaseAddress };
        using var request = new HttpRequestMessage(HttpMethod.Get, "/account");
        request.Headers.Add("Cookie", "oc_id=" + member.Value);
        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/account/sign-in", response.Headers.Location!.OriginalString, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Over_plain_http_cookies_are_not_marked_secure()
    {
        await using var postHog = await FakePostHog.StartAsync();
        using var host = new AppHost(new Dictionary<string, string?>
        {
            ["PostHog:Host"] = postHog.BaseUrl.ToString(),
            ["PostHog:ApiKey"] = "phc_test",
        }).Start();

        var cookies = await JourneyCookiesAsync(host.BaseAddress, _thumbprint, hostHeader: null, check: response =>
            Assert.False(response.Headers.Contains("Strict-Transport-Security")));

        Assert.Equal(["oc_af", "oc_aid", "oc_id", "oc_ses", "oc_theme"], cookies.Select(c => c.Name).Distinct().Order());
        Assert.All(cookies, c => Assert.False(c.Secure, $"{c.Name} is Secure over http: {c.Raw}"));
    }

    /// <summary>Landing page, the chat page, a theme change (becomes a guest), sign-up (becomes a member): every Set-Cookie seen.</summary>
    private static async Task<List<SetCookie>> JourneyCookiesAsync(Uri baseAddress, string thumbprint, string? hostHeader, Action<HttpResponseMessage> check)
    {
        var jar = new CookieContainer();
        using var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseCookies = false,
            // Trust exactly the throwaway certificate this test made, nothing else.
            SslOptions = { RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                certificate is not null && certificate.GetCertHashString(HashAlgorithmName.SHA256) == thumbprint },
        };
        using var client = new HttpClient(handler) { BaseAddress = baseAddress };
        var seen = new List<SetCookie>();

        async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, Dictionary<string, string>? form = null)
        {
            var request = new HttpRequestMessage(method, path);
            if (hostHeader is not null)
            {
                request.Headers.Host = hostHeader;
            }

            var cookieHeader = jar.GetCookieHeader(baseAddress);
            if (cookieHeader.Length > 0)
            {
                request.Headers.Add("Cookie", cookieHeader);
            }

            if (form is not null)
            {
                request.Content = new FormUrlEncodedContent(form);
            }

            var response = await client.SendAsync(request);
            check(response);
            if (response.Headers.TryGetValues("Set-Cookie", out var values))
            {
                foreach (var raw in values)
                {
                    seen.Add(SetCookie.Parse(raw));
                    // The jar is keyed by the real address; store without the Secure flag so http and https runs both replay it.
                    jar.SetCookies(new Uri(baseAddress, "/"), raw.Replace("; secure", "", StringComparison.OrdinalIgnoreCase));
                }
            }

            return response;
        }

        using (var landing = await SendAsync(HttpMethod.Get, "/"))
        {
            Assert.Equal(HttpStatusCode.OK, landing.StatusCode);
        }

        string token;
        using (var chat = await SendAsync(HttpMethod.Get, "/chat"))
        {
            Assert.Equal(HttpStatusCode.OK, chat.StatusCode);
            token = Token(await chat.Content.ReadAsStringAsync());
        }

        using (var theme = await SendAsync(HttpMethod.Post, "/settings/appearance", new() { ["uiTheme"] = "dark", ["__RequestVerificationToken"] = token }))
        {
            Assert.Equal(HttpStatusCode.Redirect, theme.StatusCode);
        }

        using (var signUpPage = await SendAsync(HttpMethod.Get, "/account/sign-up"))
        {
            token = Token(await signUpPage.Content.ReadAsStringAsync());
        }

        using (var signUp = await SendAsync(HttpMethod.Post, "/account/sign-up", new()
        {
            ["name"] = "Secure Sam",
            ["email"] = $"sam-{Guid.NewGuid():N}@example.com",
            ["password"] = "correct horse battery staple",
            ["__RequestVerificationToken"] = token,
        }))
        {
            Assert.Equal(HttpStatusCode.Redirect, signUp.StatusCode);
        }

        // Deleting a cookie (oc_aid when the visitor becomes a guest) is also a Set-Cookie; only cookies being set count.
        return seen.Where(c => !c.Expired).ToList();
    }

    private static string Token(string html) =>
        new HtmlParser().ParseDocument(html).QuerySelector("input[name=__RequestVerificationToken]")?.GetAttribute("value")
        ?? throw new Xunit.Sdk.XunitException("The page has no antiforgery token.");

    public void Dispose() => File.Delete(_certificatePath);

    private sealed record SetCookie(string Name, bool Secure, bool HttpOnly, bool Expired, string Raw)
    {
        public string Value => Raw.Split(';', 2)[0].Split('=', 2)[1];

        public static SetCookie Parse(string raw)
        {
            var parts = raw.Split(';', StringSplitOptions.TrimEntries);
            var name = parts[0].Split('=', 2)[0];
            var secure = parts.Any(p => p.Equals("secure", StringComparison.OrdinalIgnoreCase));
            var expired = parts.Any(p => p.StartsWith("expires=Thu, 01 Jan 1970", StringComparison.OrdinalIgnoreCase));
            var httpOnly = parts.Any(p => p.Equals("httponly", StringComparison.OrdinalIgnoreCase));
            return new SetCookie(name, secure, httpOnly, expired, raw);
        }
    }
}
