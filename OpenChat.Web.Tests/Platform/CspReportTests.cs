using System.Net;
using System.Text;
using System.Text.Json;
using OpenChat.Web.Tests.Infrastructure;

namespace OpenChat.Web.Tests.Platform;

/// <summary><c>POST /csp-report</c>: both report formats are counted on <c>/readyz</c>; anything else is refused and counts nothing.</summary>
[Trait("Category", TestCategories.Integration)]
public sealed class CspReportTests
{
    private const string LegacyReport = """
        {"csp-report":{"document-uri":"http://127.0.0.1/chat/5b0a?secret=1","violated-directive":"style-src-attr","effective-directive":"style-src-attr","blocked-uri":"inline","original-policy":"default-src 'self'"}}
        """;

    private const string ReportingApiReports = """
        [{"type":"csp-violation","age":10,"url":"http://127.0.0.1/chat","user_agent":"Chrome","body":{"documentURL":"http://127.0.0.1/chat/private-path","effectiveDirective":"img-src","blockedURL":"https://evil.example/pixel.gif?user=someone","disposition":"enforce"}},
         {"type":"deprecation","age":10,"url":"http://127.0.0.1/chat","body":{"id":"x"}},
         {"type":"csp-violation","age":10,"url":"http://127.0.0.1/chat","body":{"effectiveDirective":"script-src-elem","blockedURL":"eval"}}]
        """;

    [Fact]
    public async Task Both_report_formats_are_counted_on_readyz_and_logged_without_page_urls()
    {
        using var host = new AppHost().Start();
        using var client = host.CreateHttpClient();
        Assert.Equal(0, await ViolationsAsync(client));

        using (var legacy = await PostAsync(client, LegacyReport, "application/csp-report"))
        {
            Assert.Equal(HttpStatusCode.NoContent, legacy.StatusCode);
        }

        using (var reports = await PostAsync(client, ReportingApiReports, "application/reports+json"))
        {
            Assert.Equal(HttpStatusCode.NoContent, reports.StatusCode);
        }

        Assert.Equal(3, await ViolationsAsync(client));
        var logged = host.LogLines.Where(l => l.Contains("CSP violation:", StringComparison.Ordinal)).ToList();
        Assert.True(logged.Count == 3, string.Join("\n", logged));
        Assert.Contains(logged, l => l.Contains("img-src blocked https://evil.example", StringComparison.Ordinal));
        Assert.DoesNotContain(host.LogLines, l => l.Contains("private-path", StringComparison.Ordinal) || l.Contains("secret=1", StringComparison.Ordinal) || l.Contains("user=someone", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("text/plain", LegacyReport, HttpStatusCode.UnsupportedMediaType)]
    [InlineData("application/x-www-form-urlencoded", "a=b", HttpStatusCode.UnsupportedMediaType)]
    [InlineData("application/csp-report", "{not json", HttpStatusCode.BadRequest)]
    [InlineData("application/csp-report", "{\"csp-report\":42}", HttpStatusCode.BadRequest)]
    [InlineData("application/reports+json", "[{\"type\":\"deprecation\",\"body\":{}}]", HttpStatusCode.BadRequest)]
    public async Task Malformed_reports_are_refused_and_not_counted(string contentType, string body, HttpStatusCode expected)
    {
        using var host = new AppHost().Start();
        using var client = host.CreateHttpClient();

        using var response = await PostAsync(client, body, contentType);

        Assert.Equal(expected, response.StatusCode);
        Assert.Equal(0, await ViolationsAsync(client));
    }

    [Fact]
    public async Task Oversized_reports_are_refused()
    {
        using var host = new AppHost().Start();
        using var client = host.CreateHttpClient();
        var huge = LegacyReport.Replace("inline", new string('a', 20_000), StringComparison.Ordinal);

        using var response = await PostAsync(client, huge, "application/csp-report");

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal(0, await ViolationsAsync(client));
    }

    [Fact]
    public async Task Reports_are_rate_limited_per_client()
    {
        using var host = new AppHost().Start();
        using var client = host.CreateHttpClient();
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < OpenChat.Web.Platform.CspReportEndpoint.PermitsPerMinute + 5; i++)
        {
            using var response = await PostAsync(client, LegacyReport, "application/csp-report");
            statuses.Add(response.StatusCode);
        }

        Assert.Equal(OpenChat.Web.Platform.CspReportEndpoint.PermitsPerMinute, statuses.Count(s => s == HttpStatusCode.NoContent));
        Assert.Equal(5, statuses.Count(s => s == HttpStatusCode.TooManyRequests));
        Assert.Equal(OpenChat.Web.Platform.CspReportEndpoint.PermitsPerMinute, await ViolationsAsync(client));
    }

    private static Task<HttpResponseMessage> PostAsync(HttpClient client, string body, string contentType)
    {
        var content = new StringContent(body, Encoding.UTF8);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(contentType);
        return client.PostAsync(new Uri("/csp-report", UriKind.Relative), content);
    }

    /// <summary>The <c>csp.data.violations</c> counter from <c>/readyz</c>.</summary>
    public static async Task<long> ViolationsAsync(HttpClient client)
    {
        using var document = JsonDocument.Parse(await client.GetStringAsync(new Uri("/readyz", UriKind.Relative)));
        return document.RootElement.GetProperty("csp").GetProperty("data").GetProperty("violations").GetInt64();
    }
}
