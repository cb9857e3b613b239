using System.Globalization;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using OpenChat.Bench.Infrastructure;

namespace OpenChat.Bench.Scenarios;

/// <summary>
/// What telemetry costs a request: <c>GET /</c> and <c>GET /chat</c> latency with telemetry off (no key), on with a healthy PostHog sink,
/// and on with a sink that never answers. The sink is Kestrel on loopback inside the bench (<c>POST /batch/</c>). No cookies: every
/// request is a first visit (an <c>oc_aid</c> cookie is issued and a <c>$pageview</c> captured, plus <c>marketing.visit_landing</c> or
/// <c>dashboard.entered</c>). A fresh app per configuration.
/// </summary>
public sealed class TelemetryScenario : IScenario
{
    public string Name => "telemetry";

    public string Description => "GET / and GET /chat latency: telemetry off, on with a healthy PostHog sink, on with a hanging one";

    public bool UsesSharedApp => false;

    public async Task<ScenarioResult> RunAsync(ScenarioContext context, CancellationToken cancellationToken)
    {
        var options = context.Options;
        var result = new ScenarioResult();
        var latency = LoadRunner.ResultTable("Page latency by telemetry configuration (loopback, closed loop, no cookies)");
        var sinkTable = new Table("Telemetry client counters at the end of each configuration (/readyz)",
            ("configuration", Align.Left), ("sent", Align.Right), ("queued", Align.Right),
            ("dropped", Align.Right), ("failed", Align.Right), ("sink requests", Align.Right));

        foreach (var mode in new[] { SinkMode.Off, SinkMode.Healthy, SinkMode.Hanging })
        {
            await using var sink = mode == SinkMode.Off ? null : await PostHogSink.StartAsync(mode == SinkMode.Hanging);
            var environment = new Dictionary<string, string>
            {
                ["PostHog__ApiKey"] = sink is null ? "" : "phc_bench",
                ["PostHog__Host"] = sink?.BaseUrl ?? "http://127.0.0.1:9/",
                ["PostHog__RequestTimeout"] = "00:00:10",
            };
            var label = mode switch
            {
                SinkMode.Off => "off",
                SinkMode.Healthy => "on, healthy sink",
                _ => "on, hanging sink",
            };
            await context.Log.WriteLineAsync($"[telemetry] {label}: starting the app");
            await using var app = await context.StartAppAsync(environment, cancellationToken);
            using var client = BrowserLikeClient.Create(app.BaseAddress, options.Concurrency);

            foreach (var path in new[] { "/", "/chat" })
            {
                var uri = new Uri(path, UriKind.Relative);
                async Task<RequestOutcome> Get(CancellationToken token)
                {
                    using var response = await client.GetAsync(uri, HttpCompletionOption.ResponseHeadersRead, token);
                    var bytes = await BrowserLikeClient.DrainAsync(response, token);
                    return response.StatusCode == HttpStatusCode.OK
                        ? RequestOutcome.Success(bytes)
                        : RequestOutcome.Failure("HTTP " + ((int)response.StatusCode).ToString(CultureInfo.InvariantCulture), bytes);
                }

                if (options.WarmUp > TimeSpan.Zero)
                {
                    await LoadRunner.RunAsync(options.Concurrency, options.WarmUp, Get, app, cancellationToken);
                }

                await context.Log.WriteLineAsync($"[telemetry] {label}: GET {path} for {Format.Seconds(options.Duration)} with {options.Concurrency} workers");
                var measured = await LoadRunner.RunAsync(options.Concurrency, options.Duration, Get, app, cancellationToken);
                LoadRunner.AddResultRow(latency, $"GET {path} ({label})", measured);
            }

            using var plain = new HttpClient { BaseAddress = app.BaseAddress }; // the browser-like client does not decompress
            using var ready = await plain.GetAsync(new Uri("/readyz", UriKind.Relative), cancellationToken);
            var json = await ready.Content.ReadAsStringAsync(cancellationToken);
            using var doc = JsonDocument.Parse(json);
            var data = doc.RootElement.GetProperty("telemetry").GetProperty("data");
            string Counter(string name) => data.TryGetProperty(name, out var v) ? Format.Count(v.GetInt64()) : "-";
            sinkTable.AddRow(label, Counter("sent"), Counter("queued"), Counter("dropped"), Counter("failed"),
                sink is null ? "0" : Format.Count(sink.Requests));
        }

        result.Tables.Add(latency);
        result.Tables.Add(sinkTable);
        result.Notes.Add($"Load average at the end: {File.ReadAllText("/proc/loadavg").Trim()} ({Environment.ProcessorCount} CPUs). " +
                         "The sink shares the machine with the app and the load client.");
        result.Notes.Add("The hanging sink accepts the connection and never answers: the app's sender waits up to PostHog:RequestTimeout (10 s here) per try, " +
                         "so its queue (10,000 events) fills and the oldest are dropped; requests should not notice.");
        return result;
    }

    private enum SinkMode
    {
        Off,
        Healthy,
        Hanging,
    }

    /// <summary>A PostHog capture endpoint on loopback: reads the batch and answers 200, or never answers.</summary>
    private sealed class PostHogSink : IAsyncDisposable
    {
        private readonly WebApplication _app;
        private long _requests;

        private PostHogSink(WebApplication app, string baseUrl)
        {
            _app = app;
            BaseUrl = baseUrl;
        }

        public string BaseUrl { get; }

        public long Requests => Interlocked.Read(ref _requests);

        public static async Task<PostHogSink> StartAsync(bool hang)
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.WebHost.ConfigureKestrel(k =>
            {
                k.Listen(IPAddress.Loopback, 0);
                k.AddServerHeader = false;
            });
            var app = builder.Build();
            PostHogSink? sink = null;
            app.Run(async context =>
            {
                Interlocked.Increment(ref sink!._requests);
                await context.Request.Body.CopyToAsync(System.IO.Stream.Null, context.RequestAborted);
                if (hang)
                {
                    try
                    {
                        await Task.Delay(Timeout.Infinite, context.RequestAborted);
                    }
                    catch (OperationCanceledException)
                    {
                    }

                    return;
                }

                context.Response.ContentType = "application/json";
                await context.Response.WriteAsync("{\"status\":\"Ok\"}", context.RequestAborted);
            });
            await app.StartAsync();
            sink = new PostHogSink(app, app.Urls.First().TrimEnd('/') + "/");
            return sink;
        }

        public async ValueTask DisposeAsync()
        {
            using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await _app.StopAsync(stop.Token);
            await _app.DisposeAsync();
        }
    }
}
