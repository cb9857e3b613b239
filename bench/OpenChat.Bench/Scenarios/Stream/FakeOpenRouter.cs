using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace OpenChat.Bench.Scenarios.Stream;

/// <summary>
/// A fake OpenRouter on 127.0.0.1 (Kestrel inside the bench process): <c>POST /api/v1/chat/completions</c> answers
/// with OpenRouter's streaming format, one chunk of <see cref="ReplyScript"/> every interval, then a
/// <c>finish_reason: "stop"</c> chunk, a usage chunk with <c>cost</c>, and <c>data: [DONE]</c>.
/// The request's last user message names the reply (<c>zr{round}i{index}z</c>); the fake records, per reply and
/// chunk, the <see cref="Stopwatch"/> time just before it wrote the chunk. A round can hold its replies at a gate
/// (headers sent, no chunks) until every one of them is running, then start them at random phases of one interval.
/// </summary>
public sealed partial class FakeOpenRouter : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<int, Round> _rounds = new();
    private int _unknownRequests;

    private FakeOpenRouter(WebApplication app, ReplyScript script, TimeSpan interval)
    {
        _app = app;
        Script = script;
        Interval = interval;
    }

    public ReplyScript Script { get; }

    public TimeSpan Interval { get; }

    /// <summary>What the app is given as <c>OpenRouter__BaseUrl</c>.</summary>
    public Uri BaseUrl { get; private set; } = null!;

    public Uri CompletionsUrl => new(BaseUrl, "chat/completions");

    public int UnknownRequests => Volatile.Read(ref _unknownRequests);

    public static string Tag(int round, int index) =>
        string.Create(CultureInfo.InvariantCulture, $"zr{round}i{index}z");

    public static async Task<FakeOpenRouter> StartAsync(ReplyScript script, TimeSpan interval, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Listen(IPAddress.Loopback, 0);
            k.Limits.MaxConcurrentConnections = null;
            k.Limits.MinResponseDataRate = null;
            k.AddServerHeader = false;
        });
        var app = builder.Build();
        var fake = new FakeOpenRouter(app, script, interval);
        app.MapPost("/api/v1/chat/completions", fake.CompleteAsync);
        await app.StartAsync(cancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        fake.BaseUrl = new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal).TrimEnd('/') + "/api/v1/");
        return fake;
    }

    /// <summary>A set of replies measured together. Closed rounds hold every reply until <see cref="Round.Open"/>.</summary>
    public Round NewRound(int id, int replies, bool gated)
    {
        var round = new Round(id, replies, Script.Chunks.Count, gated);
        if (!_rounds.TryAdd(id, round))
        {
            throw new InvalidOperationException($"Round {id} exists.");
        }

        return round;
    }

    private async Task CompleteAsync(HttpContext context)
    {
        string body;
        using (var reader = new StreamReader(context.Request.Body))
        {
            body = await reader.ReadToEndAsync(context.RequestAborted);
        }

        var match = TagPattern().Match(body);
        if (!match.Success ||
            !_rounds.TryGetValue(int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture), out var round) ||
            !int.TryParse(match.Groups[2].Value, CultureInfo.InvariantCulture, out var index) || index < 0 || index >= round.Traces.Length)
        {
            Interlocked.Increment(ref _unknownRequests);
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }

        var trace = round.Traces[index];
        trace.Requested();
        var aborted = context.RequestAborted;
        var response = context.Response;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        try
        {
            await response.Body.WriteAsync(ReplyScript.ProcessingComment, aborted);
            await response.Body.FlushAsync(aborted);
            round.Arrived();
            await round.Gate.WaitAsync(aborted);

            var intervalTicks = (long)(Interval.TotalSeconds * Stopwatch.Frequency);
            var start = Stopwatch.GetTimestamp() + (round.Gated ? (long)(Random.Shared.NextDouble() * intervalTicks) : 0);
            var frames = Script.ChunkFrames;
            for (var i = 0; i < frames.Count; i++)
            {
                var wait = start + (i * intervalTicks) - Stopwatch.GetTimestamp();
                if (wait > 0)
                {
                    await Task.Delay(TimeSpan.FromSeconds((double)wait / Stopwatch.Frequency), aborted);
                }

                trace.WriteTicks[i] = Stopwatch.GetTimestamp();
                await response.Body.WriteAsync(frames[i], aborted);
                await response.Body.FlushAsync(aborted);
            }

            await response.Body.WriteAsync(Script.StopFrame, aborted);
            await response.Body.WriteAsync(Script.UsageFrame, aborted);
            await response.Body.WriteAsync(ReplyScript.DoneFrame, aborted);
            await response.Body.FlushAsync(aborted);
            trace.MarkFinished();
        }
        catch (Exception e) when (e is OperationCanceledException or IOException)
        {
            trace.MarkAborted();
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var round in _rounds.Values)
        {
            round.Open();
        }

        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            await _app.StopAsync(stop.Token);
        }
        catch (OperationCanceledException)
        {
        }

        await _app.DisposeAsync();
    }

    [GeneratedRegex(@"zr(\d{1,6})i(\d{1,6})z")]
    private static partial Regex TagPattern();

    public sealed class Round
    {
        private readonly TaskCompletionSource _gate = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _arrived;

        internal Round(int id, int replies, int chunks, bool gated)
        {
            Id = id;
            Gated = gated;
            Traces = Enumerable.Range(0, replies).Select(_ => new ReplyTrace(chunks)).ToArray();
            if (!gated)
            {
                _gate.SetResult();
            }
        }

        public int Id { get; }

        public bool Gated { get; }

        public ReplyTrace[] Traces { get; }

        /// <summary>Upstream requests that reached the gate (headers sent, waiting to stream).</summary>
        public int ArrivedCount => Volatile.Read(ref _arrived);

        internal Task Gate => _gate.Task;

        public void Open() => _gate.TrySetResult();

        internal void Arrived() => Interlocked.Increment(ref _arrived);
    }

    public sealed class ReplyTrace(int chunks)
    {
        /// <summary>Stopwatch time just before chunk i was written; 0 = not written.</summary>
        public long[] WriteTicks { get; } = new long[chunks];

        private int _requests;
        private volatile bool _finished;
        private volatile bool _aborted;

        public int Requests => Volatile.Read(ref _requests);

        public bool Finished => _finished;

        public bool Aborted => _aborted;

        internal void Requested() => Interlocked.Increment(ref _requests);

        internal void MarkFinished() => _finished = true;

        internal void MarkAborted() => _aborted = true;
    }
}
