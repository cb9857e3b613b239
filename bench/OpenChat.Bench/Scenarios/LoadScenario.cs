using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using OpenChat.Bench.Infrastructure;
using OpenChat.Bench.Scenarios.Load;

namespace OpenChat.Bench.Scenarios;

/// <summary>
/// Many people at once: each simulated user opens the landing page and /chat, starts a chat as a guest (its replies come from
/// a fake OpenRouter), then browses and sends with a random think time until the window closes. Reports requests/s, page
/// latency (p50/p99) per page, answers by status (429s are the rate limits doing their job), and the app's memory.
/// Goal: no 5xx, p99 page latency under 100 ms.
/// </summary>
public sealed partial class LoadScenario : IScenario
{
    private static readonly TimeSpan PageGoal = TimeSpan.FromMilliseconds(100);

    public string Name => "load";

    public string Description => "N simulated users browsing and sending (fake upstream): req/s, page p50/p99, statuses, memory";

    public bool UsesSharedApp => false;

    public async Task<ScenarioResult> RunAsync(ScenarioContext context, CancellationToken cancellationToken)
    {
        var options = context.Options;
        var log = context.Log;
        await using var upstream = await LoadUpstream.StartAsync(chunks: 20, interval: TimeSpan.FromMilliseconds(25), cancellationToken);
        var environment = new Dictionary<string, string>
        {
            ["OpenRouter__ApiKey"] = "sk-or-bench-not-a-key",
            ["OpenRouter__BaseUrl"] = upstream.BaseUrl.ToString(),
            ["Limits__GuestDailyReplies"] = "1000000",
            ["Limits__MemberDailyReplies"] = "1000000",
            // Every simulated user comes from 127.0.0.1; real ones do not share an address, so the per-address limit is lifted.
            // Per-identity limits (sending, running replies) stay as configured.
            ["RateLimits__Global__PermitLimit"] = "100000000",
        };
        await using var postgres = options.Postgres ? await BenchPostgres.StartAsync(log) : null;
        if (postgres is not null)
        {
            environment["ConnectionStrings__Postgres"] = await postgres.CreateDatabaseAsync("load");
        }

        await using var app = await context.StartAppAsync(environment, cancellationToken);
        await log.WriteLineAsync($"[load] app started ({app}) on {(postgres is null ? "the file store" : postgres.Description)}; {options.Users} users, think time ~{Format.Seconds(options.ThinkTime)}, {Format.Seconds(options.Duration)}");

        using var handler = new SocketsHttpHandler
        {
            AutomaticDecompression = DecompressionMethods.None,
            UseCookies = false,
            UseProxy = false,
            AllowAutoRedirect = false,
            MaxConnectionsPerServer = options.Users,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            ConnectTimeout = TimeSpan.FromSeconds(5),
        };
        BrowserLikeClient.RequireLoopback(app.BaseAddress);
        using var client = new HttpClient(handler, disposeHandler: false) { BaseAddress = app.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.TryAddWithoutValidation("Accept-Encoding", "gzip, br");

        var stats = new Stats();
        var memory = new MemorySampler(app);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var sampling = memory.RunAsync(stop.Token);
        var start = Stopwatch.GetTimestamp();
        var end = start + (long)((options.WarmUp + options.Duration).TotalSeconds * Stopwatch.Frequency);
        var measureFrom = start + (long)(options.WarmUp.TotalSeconds * Stopwatch.Frequency);
        var users = Enumerable.Range(0, options.Users).Select(i => new User(i, client, stats, options.ThinkTime, measureFrom, end)).ToList();
        await Task.WhenAll(users.Select(u => u.RunAsync(stop.Token)));
        var measured = TimeSpan.FromSeconds((double)(Math.Min(Stopwatch.GetTimestamp(), end) - measureFrom) / Stopwatch.Frequency);
        await stop.CancelAsync();
        await sampling;

        var result = new ScenarioResult();
        var totals = new Table(
            $"{options.Users} users for {Format.Seconds(measured)} (after {Format.Seconds(options.WarmUp)} warm-up), loopback",
            ("what", Align.Left), ("value", Align.Right));
        var requests = stats.Requests;
        totals.AddRow("store", postgres is null ? "files" : "Postgres");
        totals.AddRow("requests", Format.Count(requests));
        totals.AddRow("requests/s", Format.Num(requests / measured.TotalSeconds, 0));
        totals.AddRow("replies streamed by the fake upstream (whole run)", Format.Count(upstream.Replies));
        totals.AddRow("5xx answers", Format.Count(stats.ServerErrors));
        if (stats.ServerErrors > 0)
        {
            await log.WriteLineAsync($"[load] the app's last warnings and errors:\n{app.RecentOutput}");
        }

        totals.AddRow("transport errors", Format.Count(stats.TransportErrors));
        totals.AddRow("app RSS at start / peak / end (MB)", $"{Mb(memory.First)} / {Mb(memory.Peak)} / {Mb(memory.Last)}");
        var pages = stats.Latency(Stats.PageKinds);
        totals.AddRow("page p50 / p99 (ms)", $"{Format.Ms(pages.Percentile(50))} / {Format.Ms(pages.Percentile(99))}");
        var met = stats.ServerErrors == 0 && pages.Percentile(99) < PageGoal;
        totals.AddRow("goal: no 5xx, page p99 < 100 ms", met ? "met" : "NOT met");
        result.Tables.Add(totals);

        var byKind = new Table("Latency by request (successful and 4xx answers, ms)",
            ("request", Align.Left), ("count", Align.Right), ("p50", Align.Right), ("p90", Align.Right), ("p99", Align.Right), ("max", Align.Right));
        foreach (var kind in Stats.AllKinds)
        {
            var latency = stats.Latency([kind]);
            byKind.AddRow(kind, Format.Count(latency.Count), Format.Ms(latency.Percentile(50)), Format.Ms(latency.Percentile(90)), Format.Ms(latency.Percentile(99)), Format.Ms(latency.Max));
        }

        result.Tables.Add(byKind);

        var statuses = new Table("Answers by status", ("request", Align.Left), ("status", Align.Left), ("count", Align.Right));
        foreach (var ((kind, status), count) in stats.Statuses.OrderBy(s => s.Key.Kind, StringComparer.Ordinal).ThenBy(s => s.Key.Status, StringComparer.Ordinal))
        {
            statuses.AddRow(kind, status, Format.Count(count));
        }

        result.Tables.Add(statuses);
        result.Notes.Add("Pages are full HTML GETs (landing, /chat, a thread, /settings), body read to the end; actions are htmx POSTs with the antiforgery header. " +
                         "Each user keeps its own cookies (guest identity, antiforgery). Users do not hold a live SSE stream open.");
        result.Notes.Add("409/429 answers to sending are expected: a user may send while its previous reply still runs, and the per-identity limits refuse. " +
                         "The load client shares the machine's cores with the app, so the latencies include its own scheduling.");
        return result;
    }

    private static string Mb(long bytes) => Format.Num(bytes / 1024.0 / 1024.0, 0);

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex TokenPattern();

    /// <summary>One simulated person: their cookies, token and chat, and a loop of page views and actions.</summary>
    private sealed class User(int index, HttpClient client, Stats stats, TimeSpan think, long measureFrom, long end)
    {
        private readonly Dictionary<string, string> _cookies = new(StringComparer.Ordinal);
        private readonly Random _random = new(index);
        private string? _token;
        private string? _chat;
        private int _sent;

        public async Task RunAsync(CancellationToken cancellationToken)
        {
            try
            {
                // Arrivals spread over the first think time, not all in the same millisecond.
                await Task.Delay(TimeSpan.FromMilliseconds(_random.NextDouble() * think.TotalMilliseconds), cancellationToken);
                await SendAsync("landing", HttpMethod.Get, "/", null, cancellationToken);
                await SendAsync("chat", HttpMethod.Get, "/chat", null, cancellationToken);
                await SendAsync("send", HttpMethod.Post, "/chat", Message(), cancellationToken);
                while (Stopwatch.GetTimestamp() < end && !cancellationToken.IsCancellationRequested)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(think.TotalMilliseconds * (0.5 + _random.NextDouble())), cancellationToken);
                    var roll = _random.Next(100);
                    var thread = _chat is null ? "/chat" : _chat;
                    var (kind, method, path, form) = roll switch
                    {
                        < 40 => ("thread", HttpMethod.Get, thread, (Dictionary<string, string>?)null),
                        < 55 => ("chat", HttpMethod.Get, "/chat", null),
                        < 65 => ("settings", HttpMethod.Get, "/settings", null),
                        < 70 => ("landing", HttpMethod.Get, "/", null),
                        < 95 => ("send", HttpMethod.Post, thread, Message()),
                        _ => ("rename", HttpMethod.Post, thread + "/rename", new Dictionary<string, string> { ["title"] = $"Renamed by user {index}" }),
                    };
                    if (kind == "rename" && _chat is null)
                    {
                        continue;
                    }

                    await SendAsync(kind, method, path, form, cancellationToken);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
            }
        }

        private Dictionary<string, string> Message() => new() { ["text"] = $"Question {++_sent} from user {index}: how do I keep this short?" };

        private async Task SendAsync(string kind, HttpMethod method, string path, Dictionary<string, string>? form, CancellationToken cancellationToken)
        {
            using var request = new HttpRequestMessage(method, path);
            if (_cookies.Count > 0)
            {
                request.Headers.TryAddWithoutValidation("Cookie", string.Join("; ", _cookies.Select(c => c.Key + "=" + c.Value)));
            }

            if (form is not null)
            {
                request.Headers.Add("HX-Request", "true");
                request.Headers.Add("HX-Current-URL", new Uri(client.BaseAddress!, _chat ?? "/chat").ToString());
                if (_token is not null)
                {
                    request.Headers.Add("RequestVerificationToken", _token);
                }

                request.Content = new FormUrlEncodedContent(form);
            }
            else
            {
                request.Headers.Accept.ParseAdd("text/html");
            }

            var t0 = Stopwatch.GetTimestamp();
            string status;
            try
            {
                using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
                var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
                var t1 = Stopwatch.GetTimestamp();
                status = ((int)response.StatusCode).ToString(CultureInfo.InvariantCulture);
                Remember(response, body, kind);
                if (t0 >= measureFrom && t1 <= end)
                {
                    stats.Record(kind, status, t1 - t0, (int)response.StatusCode < 500);
                }
            }
            catch (Exception e) when ((e is HttpRequestException or IOException or TaskCanceledException) && !cancellationToken.IsCancellationRequested)
            {
                if (t0 >= measureFrom && Stopwatch.GetTimestamp() <= end)
                {
                    stats.Record(kind, e.GetType().Name, 0, ok: false, transport: true);
                }
            }
        }

        /// <summary>Cookies as a browser would keep them; the page's token; the chat a first send created.</summary>
        private void Remember(HttpResponseMessage response, byte[] body, string kind)
        {
            if (response.Headers.TryGetValues("Set-Cookie", out var cookies))
            {
                foreach (var cookie in cookies)
                {
                    var pair = cookie.Split(';', 2)[0];
                    var eq = pair.IndexOf('=', StringComparison.Ordinal);
                    if (eq > 0)
                    {
                        var value = pair[(eq + 1)..];
                        if (value.Length == 0 || cookie.Contains("expires=Thu, 01 Jan 1970", StringComparison.OrdinalIgnoreCase))
                        {
                            _cookies.Remove(pair[..eq]);
                        }
                        else
                        {
                            _cookies[pair[..eq]] = value;
                        }
                    }
                }
            }

            if (response.Headers.TryGetValues("X-OpenChat-Token", out var fresh))
            {
                _token = fresh.First();
            }

            if (kind == "send" && _chat is null && response.Headers.TryGetValues("HX-Location", out var location))
            {
                _chat = location.First();
            }

            if (_token is null && response.Content.Headers.ContentType?.MediaType == "text/html")
            {
                var match = TokenPattern().Match(Decode(body, response.Content.Headers.ContentEncoding));
                if (match.Success)
                {
                    _token = WebUtility.HtmlDecode(match.Groups[1].Value);
                }
            }
        }

        /// <summary>The body as text, undoing the compression the client asked for (it counts bytes as sent, so it does not decompress).</summary>
        private static string Decode(byte[] body, ICollection<string> encodings)
        {
            using System.IO.Stream raw = new MemoryStream(body);
            using System.IO.Stream plain = encodings.Contains("br") ? new System.IO.Compression.BrotliStream(raw, System.IO.Compression.CompressionMode.Decompress)
                : encodings.Contains("gzip") ? new System.IO.Compression.GZipStream(raw, System.IO.Compression.CompressionMode.Decompress)
                : raw;
            using var reader = new StreamReader(plain);
            return reader.ReadToEnd();
        }
    }

    /// <summary>Latencies per request kind and counts per (kind, status), shared by all users.</summary>
    private sealed class Stats
    {
        public static readonly string[] PageKinds = ["landing", "chat", "thread", "settings"];
        public static readonly string[] AllKinds = [.. PageKinds, "send", "rename"];

        private readonly ConcurrentDictionary<string, LatencyRecorder> _latency = new(StringComparer.Ordinal);
        private readonly ConcurrentDictionary<(string Kind, string Status), long> _statuses = new();
        private long _requests;
        private long _serverErrors;
        private long _transportErrors;

        public long Requests => Interlocked.Read(ref _requests);

        public long ServerErrors => Interlocked.Read(ref _serverErrors);

        public long TransportErrors => Interlocked.Read(ref _transportErrors);

        public IReadOnlyDictionary<(string Kind, string Status), long> Statuses => _statuses;

        public void Record(string kind, string status, long ticks, bool ok, bool transport = false)
        {
            Interlocked.Increment(ref _requests);
            _statuses.AddOrUpdate((kind, status), 1, (_, n) => n + 1);
            if (transport)
            {
                Interlocked.Increment(ref _transportErrors);
                return;
            }

            if (!ok)
            {
                Interlocked.Increment(ref _serverErrors);
                return;
            }

            var recorder = _latency.GetOrAdd(kind, _ => new LatencyRecorder());
            lock (recorder)
            {
                recorder.Record(ticks);
            }
        }

        public LatencySummary Latency(string[] kinds) =>
            LatencyRecorder.Merge(kinds.Select(k => _latency.TryGetValue(k, out var r) ? r : new LatencyRecorder(1)));
    }

    /// <summary>The app's resident memory, sampled twice a second.</summary>
    private sealed class MemorySampler(AppProcess app)
    {
        public long First { get; private set; }

        public long Peak { get; private set; }

        public long Last { get; private set; }

        public async Task RunAsync(CancellationToken cancellationToken)
        {
            First = app.Usage().WorkingSet;
            using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(500));
            try
            {
                do
                {
                    Last = app.Usage().WorkingSet;
                    Peak = Math.Max(Peak, Last);
                }
                while (await timer.WaitForNextTickAsync(cancellationToken));
            }
            catch (OperationCanceledException)
            {
            }
        }
    }
}
