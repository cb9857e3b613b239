using System.Net;
using OpenChat.Bench.Infrastructure;

namespace OpenChat.Bench.Scenarios;

/// <summary>
/// <c>GET /</c> throughput and latency over loopback: N workers share one browser-like HttpClient
/// (gzip/br accepted, nothing decompressed, full body read, no cookies = every request is a first visit).
/// </summary>
public sealed class LandingScenario : IScenario
{
    public string Name => "landing";

    public string Description => "GET / throughput and latency (closed loop, N workers, one shared HttpClient)";

    public async Task<ScenarioResult> RunAsync(ScenarioContext context, CancellationToken cancellationToken)
    {
        var options = context.Options;
        using var client = BrowserLikeClient.Create(context.BaseAddress, options.Concurrency);
        var path = new Uri("/", UriKind.Relative);
        var result = new ScenarioResult();

        // One look at the response first: it must be a 200, and its headers say what a cache or CDN could do.
        using (var probe = await client.GetAsync(path, cancellationToken))
        {
            var body = await BrowserLikeClient.DrainAsync(probe, cancellationToken);
            if (probe.StatusCode != HttpStatusCode.OK)
            {
                throw new InvalidOperationException($"GET / answered {(int)probe.StatusCode}; nothing to measure.");
            }

            var headers = new Table("GET / response (one request, Accept-Encoding: gzip, br)", ("header", Align.Left), ("value", Align.Left));
            headers.AddRow("status", ((int)probe.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture));
            headers.AddRow("body on the wire", Format.Bytes(body) + " B");
            foreach (var name in new[] { "Content-Encoding", "Content-Type", "Cache-Control", "Vary", "Set-Cookie", "Transfer-Encoding" })
            {
                var values = probe.Headers.TryGetValues(name, out var h) ? h : probe.Content.Headers.TryGetValues(name, out var c) ? c : null;
                var shown = name == "Set-Cookie" ? values?.Select(MaskCookieValue) : values;
                headers.AddRow(name, shown is null ? "(none)" : Shorten(string.Join(" / ", shown)));
            }

            result.Tables.Add(headers);
        }

        async Task<RequestOutcome> GetLanding(CancellationToken token)
        {
            using var response = await client.GetAsync(path, HttpCompletionOption.ResponseHeadersRead, token);
            var bytes = await BrowserLikeClient.DrainAsync(response, token);
            return response.StatusCode == HttpStatusCode.OK
                ? RequestOutcome.Success(bytes)
                : RequestOutcome.Failure("HTTP " + ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture), bytes);
        }

        if (options.WarmUp > TimeSpan.Zero)
        {
            await context.Log.WriteLineAsync($"[landing] warm-up {Format.Seconds(options.WarmUp)} with {options.Concurrency} workers");
            var warm = await LoadRunner.RunAsync(options.Concurrency, options.WarmUp, GetLanding, context.App, cancellationToken);
            result.Notes.Add($"Warm-up: {Format.Seconds(warm.Duration)}, {Format.Count(warm.Requests)} requests ({Format.Count(warm.Errors)} errors), not counted.");
        }

        await context.Log.WriteLineAsync($"[landing] measuring {Format.Seconds(options.Duration)} with {options.Concurrency} workers");
        var measured = await LoadRunner.RunAsync(options.Concurrency, options.Duration, GetLanding, context.App, cancellationToken);

        var table = LoadRunner.ResultTable("GET / (landing), loopback, closed loop");
        LoadRunner.AddResultRow(table, "GET /", measured);
        result.Tables.Add(table);

        if (measured.ErrorKinds.Count > 0)
        {
            var errors = new Table("Errors", ("kind", Align.Left), ("count", Align.Right));
            foreach (var (kind, count) in measured.ErrorKinds.OrderByDescending(e => e.Value))
            {
                errors.AddRow(kind, Format.Count(count));
            }

            result.Tables.Add(errors);
        }

        if (measured.HitRequestCap)
        {
            result.Notes.Add($"Stopped early at the request cap ({Format.Count(LoadRunner.MaxRequests)}).");
        }

        result.Notes.Add("Latency is client-observed (request sent → last body byte read), successful requests only. " +
                         "App CPU is the app process's CPU time over the window; bench CPU is this load client's. " +
                         "Both share the machine's cores, so req/s is a floor for the app alone.");
        return result;
    }

    /// <summary><c>name=value; attrs</c> → <c>name=…; attrs</c> (the value is noise in a report).</summary>
    private static string MaskCookieValue(string cookie)
    {
        var eq = cookie.IndexOf('=', StringComparison.Ordinal);
        var semi = cookie.IndexOf(';', StringComparison.Ordinal);
        return eq < 0 ? cookie : cookie[..(eq + 1)] + "…" + (semi < 0 ? "" : cookie[semi..]);
    }

    private static string Shorten(string value) => value.Length <= 100 ? value : value[..97] + "...";
}
