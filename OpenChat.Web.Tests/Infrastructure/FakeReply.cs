namespace OpenChat.Web.Tests.Infrastructure;

/// <summary>
/// What <see cref="FakeOpenRouter"/> answers to the next <c>POST /chat/completions</c>.
/// A record so scripts compose: <c>FakeReply.Text("a", "b") with { ChunkDelay = ..., ErrorAfterChunks = 1 }</c>,
/// or <c>new FakeReply { FailWithStatus = 402 }</c>.
/// </summary>
public sealed record FakeReply
{
    public const string DefaultText = "Hello from the fake model.";

    /// <summary>A reply streamed as these content deltas (their concatenation is the whole reply).</summary>
    public static FakeReply Text(params string[] chunks) => new() { Chunks = chunks };

    /// <summary>The reply used when nothing is queued: "Hello from the fake model." in 3 chunks.</summary>
    public static FakeReply Default() => new();

    /// <summary>An HTTP error before streaming: <c>{"error":{"code":N,"message":...}}</c> with status N.</summary>
    public static FakeReply Fail(int status, string? message = null) => new() { Chunks = [], FailWithStatus = status, ErrorMessage = message };

    /// <summary>The content deltas, in order (default: "Hello", " from the fake", " model.").</summary>
    public IReadOnlyList<string> Chunks { get; init; } = ["Hello", " from the fake", " model."];

    /// <summary>The whole reply text (all chunks joined).</summary>
    public string FullText => string.Concat(Chunks);

    /// <summary>Delay between chunks; a <c>: OPENROUTER PROCESSING</c> comment goes out before each wait.</summary>
    public TimeSpan ChunkDelay { get; init; }

    /// <summary>401/402/429/500...: answered before streaming as OpenRouter's JSON error, with this HTTP status.</summary>
    public int? FailWithStatus { get; init; }

    /// <summary>The <c>Retry-After</c> header (seconds) sent with a 429.</summary>
    public int RetryAfterSeconds { get; init; } = 7;

    /// <summary>After this many content chunks, an SSE event with top-level <c>error</c> and <c>finish_reason: "error"</c>, then the stream ends (no [DONE]).</summary>
    public int? ErrorAfterChunks { get; init; }

    /// <summary>Error code of the mid-stream error event (OpenRouter uses 502 for a provider failure).</summary>
    public int MidStreamErrorCode { get; init; } = 502;

    /// <summary>The error message for <see cref="FailWithStatus"/> or <see cref="ErrorAfterChunks"/>; a realistic default per code when null.</summary>
    public string? ErrorMessage { get; init; }

    /// <summary>Finish reason of the final chunk ("stop", "length", ...).</summary>
    public string FinishReason { get; init; } = "stop";

    public decimal Cost { get; init; } = 0.0000123m;

    public int PromptTokens { get; init; } = 12;

    public int CompletionTokens { get; init; } = 34;

    /// <summary>When set, the stream pauses after the first keep-alive comment (before the first chunk) until the gate completes.</summary>
    public TaskCompletionSource? Gate { get; init; }

    /// <summary>When set, the stream pauses after <see cref="PauseAfterChunks"/> chunks until this gate completes (act mid-reply without sleeping).</summary>
    public TaskCompletionSource? MidGate { get; init; }

    /// <summary>How many chunks go out before waiting on <see cref="MidGate"/> (default 1).</summary>
    public int PauseAfterChunks { get; init; } = 1;

    public override string ToString() =>
        FailWithStatus is { } status ? $"Fail({status})" : $"Text({Chunks.Count} chunks, {FullText.Length} chars{(ErrorAfterChunks is { } n ? $", error after {n}" : "")})";
}
