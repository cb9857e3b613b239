using System.IO.Compression;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace OpenChat.Web.Tests.Infrastructure;

public enum FakePostHogMode
{
    /// <summary>200 <c>{"status":"Ok"}</c>.</summary>
    Healthy,

    /// <summary>500 for every request (nothing is accepted).</summary>
    Fail500,

    /// <summary>Never answers; the request stays open until the client aborts it (or the fake is disposed).</summary>
    Hang,
}

/// <summary>One event as PostHog would ingest it.</summary>
public sealed record ReceivedEvent(
    string Event,
    string DistinctId,
    string? Uuid,
    string? Timestamp,
    JsonElement Properties,
    string? ApiKey,
    string Path,
    JsonElement Raw)
{
    /// <summary>A property as a string (null when absent or JSON null); numbers and booleans as their JSON text.</summary>
    public string? Property(string name) =>
        Properties.ValueKind == JsonValueKind.Object && Properties.TryGetProperty(name, out var value)
            ? value.ValueKind switch
            {
                JsonValueKind.String => value.GetString(),
                JsonValueKind.Null or JsonValueKind.Undefined => null,
                _ => value.GetRawText(),
            }
            : null;

    public bool HasProperty(string name) => Properties.ValueKind == JsonValueKind.Object && Properties.TryGetProperty(name, out _);
}

/// <summary>One HTTP request to the capture endpoints. <see cref="StatusCode"/> is what the fake answered (0 = held open in <see cref="FakePostHogMode.Hang"/>).</summary>
public sealed record ReceivedBatch(
    string Path,
    bool Gzip,
    string Json,
    IReadOnlyList<ReceivedEvent> Events,
    int StatusCode,
    IReadOnlyDictionary<string, string> Headers,
    DateTimeOffset ReceivedAt)
{
    /// <summary>The fake answered 200, so the events count as ingested (they are in <see cref="FakePostHog.Events"/>).</summary>
    public bool Accepted => StatusCode == 200;
}

/// <summary>
/// A fake PostHog on loopback: <c>POST /batch/</c> (<c>{"api_key","batch":[...]}</c>), <c>POST /i/v0/e/</c> and <c>/capture/</c>
/// (one event, or a batch body), plain or gzip (<c>Content-Encoding: gzip</c> or <c>?compression=gzip-js</c>).
/// <see cref="Batches"/> has every capture request that arrived (also the ones answered 500 or hung, with their status);
/// <see cref="Events"/> only the events of accepted (200) requests.
/// </summary>
public sealed class FakePostHog : IAsyncDisposable
{
    private static readonly string[] CapturePaths = ["/batch", "/i/v0/e", "/capture", "/e", "/track"];

    private readonly WebApplication _app;
    private readonly List<ReceivedBatch> _batches = [];
    private readonly AsyncSignal _changed = new();
    private int _requestCount;

    private FakePostHog(WebApplication app, Uri baseUrl)
    {
        _app = app;
        BaseUrl = baseUrl;
    }

    /// <summary>e.g. <c>http://127.0.0.1:PORT/</c>: the value for the app's <c>PostHog:Host</c>.</summary>
    public Uri BaseUrl { get; }

    public FakePostHogMode Mode { get; set; } = FakePostHogMode.Healthy;

    /// <summary>Snapshot of every capture request, in arrival order.</summary>
    public IReadOnlyList<ReceivedBatch> Batches
    {
        get
        {
            lock (_batches)
            {
                return [.. _batches];
            }
        }
    }

    /// <summary>Snapshot of the events of accepted requests, flattened, in arrival order.</summary>
    public IReadOnlyList<ReceivedEvent> Events => [.. Batches.Where(b => b.Accepted).SelectMany(b => b.Events)];

    /// <summary>Every HTTP request that reached the fake (any path, any outcome, counted on arrival).</summary>
    public int RequestCount => Volatile.Read(ref _requestCount);

    public static async Task<FakePostHog> StartAsync()
    {
        FakePostHog? fake = null;
        var (app, address) = await LoopbackServer.StartAsync(() => fake!.HandleAsync);
        fake = new FakePostHog(app, new Uri(address + "/"));
        return fake;
    }

    /// <summary>The first accepted event matching <paramref name="match"/>, now or when it arrives.</summary>
    public Task<ReceivedEvent> WaitForEventAsync(Func<ReceivedEvent, bool> match, TimeSpan timeout) =>
        _changed.WaitForAsync(() => Events, match, timeout,
            () => $"FakePostHog has {RequestCount} request(s); accepted events: [{string.Join(", ", Events.Select(e => e.Event))}]");

    /// <summary>The first capture request matching <paramref name="match"/> (accepted or not), now or when it arrives.</summary>
    public Task<ReceivedBatch> WaitForBatchAsync(Func<ReceivedBatch, bool> match, TimeSpan timeout) =>
        _changed.WaitForAsync(() => Batches, match, timeout,
            () => $"FakePostHog received: [{string.Join(", ", Batches.Select(b => $"{b.Path} {b.StatusCode} ({b.Events.Count} events)"))}]");

    public async ValueTask DisposeAsync()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await _app.StopAsync(cts.Token);
        await _app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext context)
    {
        Interlocked.Increment(ref _requestCount);
        var path = context.Request.Path.Value ?? "/";
        var normalized = path.TrimEnd('/');
        if (!HttpMethods.IsPost(context.Request.Method) || !CapturePaths.Contains(normalized, StringComparer.Ordinal))
        {
            context.Response.StatusCode = 404;
            await context.Response.WriteAsync($"The fake PostHog has no {context.Request.Method} {path}", context.RequestAborted);
            _changed.Pulse();
            return;
        }

        var headers = context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        var gzip = string.Equals(context.Request.Headers.ContentEncoding.ToString(), "gzip", StringComparison.OrdinalIgnoreCase)
            || string.Equals(context.Request.Query["compression"].ToString(), "gzip-js", StringComparison.OrdinalIgnoreCase);
        string json;
        try
        {
            json = await ReadBodyAsync(context.Request.Body, gzip, context.RequestAborted);
        }
        catch (InvalidDataException e)
        {
            await RejectAsync(context, path, gzip, "", headers, 400, $"Body is not valid gzip: {e.Message}");
            return;
        }

        IReadOnlyList<ReceivedEvent> events;
        try
        {
            events = Parse(json, path);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or KeyNotFoundException or FormatException)
        {
            await RejectAsync(context, path, gzip, json, headers, 400, $"Invalid payload: {e.Message}");
            return;
        }

        if (events.Any(e => string.IsNullOrEmpty(e.ApiKey)))
        {
            await RejectAsync(context, path, gzip, json, headers, 401, "API key is not valid: no api_key in the payload.");
            return;
        }

        var mode = Mode;
        var status = mode switch
        {
            FakePostHogMode.Healthy => 200,
            FakePostHogMode.Fail500 => 500,
            _ => 0,
        };
        Record(new ReceivedBatch(path, gzip, json, events, status, headers, DateTimeOffset.UtcNow));
        if (mode == FakePostHogMode.Hang)
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

        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(status == 200 ? "{\"status\":\"Ok\"}" : "{\"type\":\"server_error\",\"code\":\"fake_failure\",\"detail\":\"Fake PostHog is failing on purpose.\"}", context.RequestAborted);
    }

    private async Task RejectAsync(HttpContext context, string path, bool gzip, string json, IReadOnlyDictionary<string, string> headers, int status, string detail)
    {
        Record(new ReceivedBatch(path, gzip, json, [], status, headers, DateTimeOffset.UtcNow));
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(JsonSerializer.Serialize(new Dictionary<string, string> { ["type"] = "validation_error", ["detail"] = detail }), context.RequestAborted);
    }

    private void Record(ReceivedBatch batch)
    {
        lock (_batches)
        {
            _batches.Add(batch);
        }

        _changed.Pulse();
    }

    private static async Task<string> ReadBodyAsync(Stream body, bool gzip, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        await body.CopyToAsync(buffer, cancellationToken);
        buffer.Position = 0;
        if (!gzip)
        {
            return Encoding.UTF8.GetString(buffer.ToArray());
        }

        await using var unzip = new GZipStream(buffer, CompressionMode.Decompress);
        using var reader = new StreamReader(unzip, Encoding.UTF8);
        return await reader.ReadToEndAsync(cancellationToken);
    }

    private static List<ReceivedEvent> Parse(string json, string path)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        var events = new List<ReceivedEvent>();
        if (root.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in root.EnumerateArray())
            {
                events.Add(ToEvent(item, null, path));
            }
        }
        else
        {
            var apiKey = StringOrNull(root, "api_key") ?? StringOrNull(root, "token");
            if (root.TryGetProperty("batch", out var batch))
            {
                foreach (var item in batch.EnumerateArray())
                {
                    events.Add(ToEvent(item, apiKey, path));
                }
            }
            else
            {
                events.Add(ToEvent(root, apiKey, path));
            }
        }

        return events;
    }

    private static ReceivedEvent ToEvent(JsonElement item, string? apiKey, string path)
    {
        var name = StringOrNull(item, "event") ?? throw new FormatException("an event has no \"event\" name.");
        var properties = item.TryGetProperty("properties", out var p) ? p.Clone() : JsonDocument.Parse("{}").RootElement.Clone();
        var distinctId = StringOrNull(item, "distinct_id")
            ?? (properties.ValueKind == JsonValueKind.Object ? StringOrNull(properties, "distinct_id") : null)
            ?? throw new FormatException($"event \"{name}\" has no distinct_id.");
        return new ReceivedEvent(
            name,
            distinctId,
            StringOrNull(item, "uuid"),
            StringOrNull(item, "timestamp"),
            properties,
            StringOrNull(item, "api_key") ?? apiKey ?? (properties.ValueKind == JsonValueKind.Object ? StringOrNull(properties, "token") : null),
            path,
            item.Clone());
    }

    private static string? StringOrNull(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value)
            ? value.ValueKind switch
            {
                JsonValueKind.String => value.GetString(),
                JsonValueKind.Number => value.GetRawText(),
                _ => null,
            }
            : null;
}
