using System.IO.Compression;
using System.Net;
using System.Text.RegularExpressions;
using OpenChat.Bench.Infrastructure;

namespace OpenChat.Bench.Scenarios;

/// <summary>
/// Bytes a first visit downloads per page: the HTML and every stylesheet and script it links, raw, as
/// <c>gzip -9</c> (compressed here, independent of the server), and as served with <c>Accept-Encoding: gzip</c>.
/// </summary>
public sealed partial class PageWeightScenario : IScenario
{
    public static readonly string[] Pages = ["/", "/chat", "/privacy"];

    public string Name => "weight";

    public string Description => "page weight of /, /chat, /privacy: HTML, CSS, JS bytes raw, gzip -9 and on the wire";

    public async Task<ScenarioResult> RunAsync(ScenarioContext context, CancellationToken cancellationToken)
    {
        // Three clients: identity (raw bytes), gzip only, and gzip + br like a browser (what the wire carries).
        using var clients = new Clients(context.BaseAddress);
        var result = new ScenarioResult();
        var summary = new Table("Page weight summary (bytes, gzip -9)",
            ("page", Align.Left), ("status", Align.Right), ("HTML gz", Align.Right), ("CSS gz", Align.Right), ("JS gz", Align.Right),
            ("total gz", Align.Right), ("total raw", Align.Right), ("wire gzip", Align.Right), ("wire br", Align.Right), ("requests", Align.Right));

        foreach (var page in Pages)
        {
            var pageUri = new Uri(context.BaseAddress, page);
            await context.Log.WriteLineAsync($"[weight] {page}");
            var html = await FetchAsync(clients, pageUri, "HTML", cancellationToken);
            var resources = new List<Measured> { html };
            if (html.Status == HttpStatusCode.OK)
            {
                var text = System.Text.Encoding.UTF8.GetString(html.Body);
                foreach (var (kind, url) in LinkedAssets(text, pageUri))
                {
                    if (!url.IsLoopback)
                    {
                        result.Notes.Add($"{page}: skipped {kind} {url} (not on this server).");
                        continue;
                    }

                    resources.Add(await FetchAsync(clients, url, kind, cancellationToken));
                }
            }

            var table = new Table($"Page weight: {page} (HTTP {(int)html.Status})",
                ("resource", Align.Left), ("type", Align.Left), ("status", Align.Right), ("raw", Align.Right), ("gzip -9", Align.Right),
                ("wire gzip", Align.Right), ("wire br", Align.Right), ("served as (gzip / br)", Align.Left), ("cache-control", Align.Left));
            foreach (var r in resources)
            {
                table.AddRow(r.Label, r.Kind, ((int)r.Status).ToString(System.Globalization.CultureInfo.InvariantCulture),
                    Format.Bytes(r.Raw), Format.Bytes(r.Gzip9), Format.Bytes(r.Wire), Format.Bytes(r.WireBr), r.Encoding, r.CacheControl);
            }

            table.AddSeparator();
            foreach (var kind in new[] { "HTML", "CSS", "JS" })
            {
                var of = resources.Where(r => r.Kind == kind).ToList();
                table.AddRow($"total {kind}", kind, "", Format.Bytes(of.Sum(r => r.Raw)), Format.Bytes(of.Sum(r => r.Gzip9)),
                    Format.Bytes(of.Sum(r => r.Wire)), Format.Bytes(of.Sum(r => r.WireBr)), "", "");
            }

            table.AddRow("total", "all", "", Format.Bytes(resources.Sum(r => r.Raw)), Format.Bytes(resources.Sum(r => r.Gzip9)),
                Format.Bytes(resources.Sum(r => r.Wire)), Format.Bytes(resources.Sum(r => r.WireBr)), "", "");
            result.Tables.Add(table);

            long Gz(string kind) => resources.Where(r => r.Kind == kind).Sum(r => r.Gzip9);
            summary.AddRow(page, ((int)html.Status).ToString(System.Globalization.CultureInfo.InvariantCulture),
                Format.Bytes(Gz("HTML")), Format.Bytes(Gz("CSS")), Format.Bytes(Gz("JS")),
                Format.Bytes(resources.Sum(r => r.Gzip9)), Format.Bytes(resources.Sum(r => r.Raw)),
                Format.Bytes(resources.Sum(r => r.Wire)), Format.Bytes(resources.Sum(r => r.WireBr)), Format.Count(resources.Count));
            if (page == "/")
            {
                result.Notes.Add($"JS gzip -9 total on /: {Format.Bytes(Gz("JS"))} B ({Format.KB(Gz("JS"))} KiB); " +
                                 "expected about 18 KB once htmx (≈16.8 KB), the SSE extension (≈1.1 KB) and openchat.js are all linked.");
            }

            if (html.Status != HttpStatusCode.OK)
            {
                result.Notes.Add($"{page} answered HTTP {(int)html.Status}: only its error page was weighed.");
            }
        }

        result.Tables.Insert(0, summary);
        result.Notes.Add("raw = identity body; gzip -9 = the raw body compressed here with GZip at SmallestSize; " +
                         "wire gzip / wire br = body bytes received with 'Accept-Encoding: gzip' / 'gzip, br' (headers excluded), i.e. the server's own compression. " +
                         "HTML carries a per-request antiforgery token, so its size moves by a few bytes between runs.");
        return result;
    }

    private sealed record Measured(
        string Label, string Kind, HttpStatusCode Status, byte[] Body, long Raw, long Gzip9, long Wire, long WireBr, string Encoding, string CacheControl);

    private sealed class Clients(Uri baseAddress) : IDisposable
    {
        public HttpClient Identity { get; } = BrowserLikeClient.Create(baseAddress, 4, acceptEncoding: null);

        public HttpClient Gzip { get; } = BrowserLikeClient.Create(baseAddress, 4, acceptEncoding: "gzip");

        public HttpClient Browser { get; } = BrowserLikeClient.Create(baseAddress, 4, acceptEncoding: "gzip, br");

        public void Dispose()
        {
            Identity.Dispose();
            Gzip.Dispose();
            Browser.Dispose();
        }
    }

    private static async Task<Measured> FetchAsync(Clients clients, Uri url, string kind, CancellationToken cancellationToken)
    {
        using var rawResponse = await clients.Identity.GetAsync(url, cancellationToken);
        var body = await rawResponse.Content.ReadAsByteArrayAsync(cancellationToken);
        var (wire, gzipEncoding) = await WireAsync(clients.Gzip, url, cancellationToken);
        var (wireBr, brEncoding) = await WireAsync(clients.Browser, url, cancellationToken);
        var label = url.PathAndQuery.Length > 60 ? url.PathAndQuery[..57] + "..." : url.PathAndQuery;
        return new Measured(label, kind, rawResponse.StatusCode, body, body.LongLength, Gzip9(body), wire, wireBr,
            gzipEncoding + " / " + brEncoding, rawResponse.Headers.CacheControl?.ToString() ?? "(none)");
    }

    private static async Task<(long Bytes, string Encoding)> WireAsync(HttpClient client, Uri url, CancellationToken cancellationToken)
    {
        using var response = await client.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        var bytes = await BrowserLikeClient.DrainAsync(response, cancellationToken);
        var encoding = response.Content.Headers.ContentEncoding.Count == 0 ? "identity" : string.Join(",", response.Content.Headers.ContentEncoding);
        return (bytes, encoding);
    }

    /// <summary>The equivalent of <c>gzip -9</c>: GZip at <see cref="CompressionLevel.SmallestSize"/>.</summary>
    public static long Gzip9(byte[] data)
    {
        using var output = new MemoryStream();
        using (var gz = new GZipStream(output, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            gz.Write(data);
        }

        return output.Length;
    }

    /// <summary>Stylesheets (<c>&lt;link rel="stylesheet" href&gt;</c>) and scripts (<c>&lt;script src&gt;</c>), in page order.</summary>
    public static IEnumerable<(string Kind, Uri Url)> LinkedAssets(string html, Uri pageUri)
    {
        var seen = new HashSet<Uri>();
        foreach (Match tag in TagPattern().Matches(html))
        {
            var attributes = tag.Groups["attrs"].Value;
            string kind;
            string? target;
            if (tag.Groups["name"].Value.Equals("link", StringComparison.OrdinalIgnoreCase))
            {
                var rel = Attribute(attributes, "rel");
                if (rel is null || !rel.Split(' ', StringSplitOptions.RemoveEmptyEntries).Contains("stylesheet", StringComparer.OrdinalIgnoreCase))
                {
                    continue;
                }

                kind = "CSS";
                target = Attribute(attributes, "href");
            }
            else
            {
                kind = "JS";
                target = Attribute(attributes, "src");
            }

            if (string.IsNullOrWhiteSpace(target) || !Uri.TryCreate(pageUri, WebUtility.HtmlDecode(target), out var url) || !seen.Add(url))
            {
                continue;
            }

            yield return (kind, url);
        }
    }

    private static string? Attribute(string attributes, string name)
    {
        foreach (Match m in AttributePattern().Matches(attributes))
        {
            if (m.Groups["name"].Value.Equals(name, StringComparison.OrdinalIgnoreCase))
            {
                return m.Groups["dq"].Success ? m.Groups["dq"].Value : m.Groups["sq"].Success ? m.Groups["sq"].Value : m.Groups["bare"].Value;
            }
        }

        return null;
    }

    [GeneratedRegex(@"<(?<name>link|script)\b(?<attrs>[^>]*)>", RegexOptions.IgnoreCase)]
    private static partial Regex TagPattern();

    [GeneratedRegex(@"(?<name>[\w:-]+)\s*=\s*(?:""(?<dq>[^""]*)""|'(?<sq>[^']*)'|(?<bare>[^\s""'>]+))")]
    private static partial Regex AttributePattern();
}
