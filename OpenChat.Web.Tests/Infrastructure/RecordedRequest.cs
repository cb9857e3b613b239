using System.Text.Json;

namespace OpenChat.Web.Tests.Infrastructure;

/// <summary>One request that reached <see cref="FakeOpenRouter"/>. Flags and timestamps change while a stream runs; read them live.</summary>
public sealed class RecordedRequest
{
    private readonly TaskCompletionSource _disconnected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _finished = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile bool _completed;
    private volatile bool _clientDisconnected;
    private int _chunksSent;
    private long _completedAtTicks;

    internal RecordedRequest(int sequence, string method, string path, string query, IReadOnlyDictionary<string, string> headers, string body)
    {
        Sequence = sequence;
        Method = method;
        Path = path;
        Query = query;
        Headers = headers;
        Body = body;
        ReceivedAt = DateTimeOffset.UtcNow;
        if (body.Length > 0)
        {
            try
            {
                using var document = JsonDocument.Parse(body);
                Json = document.RootElement.Clone();
                if (Json.Value.ValueKind == JsonValueKind.Object)
                {
                    Model = Json.Value.TryGetProperty("model", out var model) && model.ValueKind == JsonValueKind.String ? model.GetString() : null;
                    Stream = Json.Value.TryGetProperty("stream", out var stream) && stream.ValueKind == JsonValueKind.True;
                }
            }
            catch (JsonException)
            {
                Json = null;
            }
        }
    }

    /// <summary>1 for the first request the fake received, then 2, 3, ...</summary>
    public int Sequence { get; }

    public string Method { get; }

    /// <summary>The full request path, e.g. <c>/api/v1/chat/completions</c>.</summary>
    public string Path { get; }

    /// <summary>The query string including '?', or empty.</summary>
    public string Query { get; }

    /// <summary>Request headers (case-insensitive names; repeated values joined with ", "), Authorization included.</summary>
    public IReadOnlyDictionary<string, string> Headers { get; }

    /// <summary>The <c>Authorization</c> header, or null.</summary>
    public string? Authorization => Headers.TryGetValue("Authorization", out var value) ? value : null;

    /// <summary>The bearer token from <c>Authorization: Bearer ...</c>, or null.</summary>
    public string? BearerToken => Authorization is { } a && a.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? a["Bearer ".Length..].Trim() : null;

    /// <summary>The raw request body (JSON text for chat completions).</summary>
    public string Body { get; }

    /// <summary>The body parsed as JSON, or null when it is empty or not JSON.</summary>
    public JsonElement? Json { get; }

    /// <summary>The body's <c>model</c>.</summary>
    public string? Model { get; }

    /// <summary>The body's <c>stream</c> was true.</summary>
    public bool Stream { get; }

    public DateTimeOffset ReceivedAt { get; }

    /// <summary>When the fake finished its answer (all of it sent), or null.</summary>
    public DateTimeOffset? CompletedAt => Interlocked.Read(ref _completedAtTicks) is var t && t == 0 ? null : new DateTimeOffset(t, TimeSpan.Zero);

    /// <summary>The fake sent its whole answer (for a stream: up to <c>data: [DONE]</c>, or up to the error event).</summary>
    public bool Completed => _completed;

    /// <summary>The client went away before the fake finished (the request was aborted).</summary>
    public bool ClientDisconnected => _clientDisconnected;

    /// <summary>Content chunks written so far (streaming).</summary>
    public int ChunksSent => Volatile.Read(ref _chunksSent);

    /// <summary>The status code the fake answered with.</summary>
    public int StatusCode { get; internal set; }

    /// <summary>The script that answered a chat completion, or null for other paths.</summary>
    public FakeReply? Reply { get; internal set; }

    /// <summary>Completes when the fake has finished with this request, either way (completed or client gone).</summary>
    public Task Finished => _finished.Task;

    internal Task Disconnected => _disconnected.Task;

    internal void ChunkSent() => Interlocked.Increment(ref _chunksSent);

    internal void MarkCompleted()
    {
        if (_clientDisconnected || _completed)
        {
            return;
        }

        Interlocked.Exchange(ref _completedAtTicks, DateTimeOffset.UtcNow.UtcTicks);
        _completed = true;
        _finished.TrySetResult();
    }

    internal void MarkDisconnected()
    {
        if (_completed)
        {
            return;
        }

        _clientDisconnected = true;
        _disconnected.TrySetResult();
        _finished.TrySetResult();
    }

    public override string ToString() =>
        $"#{Sequence} {Method} {Path}{Query} model={Model ?? "-"} stream={Stream} status={StatusCode} completed={Completed} disconnected={ClientDisconnected} chunks={ChunksSent}";
}
