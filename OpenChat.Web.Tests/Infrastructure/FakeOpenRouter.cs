using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace OpenChat.Web.Tests.Infrastructure;

/// <summary>A model in <see cref="FakeOpenRouter.Models"/>. Prices are OpenRouter's decimal strings in USD per token.</summary>
public sealed record FakeModel(string Id, string Name, string PromptPrice, string CompletionPrice, int ContextLength, string[] InputModalities);

/// <summary>
/// A fake OpenRouter on loopback speaking the real wire formats: <c>GET /api/v1/models</c>, <c>GET /api/v1/key</c>,
/// <c>POST /api/v1/chat/completions</c> (SSE streaming with keep-alive comments, usage chunk with cost, errors before and after streaming).
/// Every request (also unknown paths, which get 404) is recorded in <see cref="Requests"/>.
/// </summary>
public sealed class FakeOpenRouter : IAsyncDisposable
{
    public const string PathPrefix = "/api/v1";

    private readonly WebApplication _app;
    private readonly ConcurrentQueue<FakeReply> _replies = new();
    private readonly List<RecordedRequest> _requests = [];
    private readonly AsyncSignal _changed = new();
    private int _sequence;

    private FakeOpenRouter(WebApplication app, Uri baseUrl)
    {
        _app = app;
        BaseUrl = baseUrl;
    }

    /// <summary>The three models served by default.</summary>
    public static IReadOnlyList<FakeModel> DefaultModels { get; } =
    [
        new("openai/gpt-4o-mini", "OpenAI: GPT-4o-mini", "0.00000015", "0.0000006", 128000, ["text", "image"]),
        new("meta-llama/llama-3.3-70b-instruct", "Meta: Llama 3.3 70B Instruct", "0.00000013", "0.0000004", 131072, ["text"]),
        new("google/gemma-3-27b-it:free", "Google: Gemma 3 27B (free)", "0", "0", 96000, ["text", "image"]),
    ];

    /// <summary>e.g. <c>http://127.0.0.1:PORT/api/v1</c> (no trailing slash): the value for the app's <c>OpenRouter:BaseUrl</c>.</summary>
    public Uri BaseUrl { get; }

    /// <summary>Served by <c>GET /models</c>, in order. Mutable; starts as <see cref="DefaultModels"/>.</summary>
    public List<FakeModel> Models { get; } = [.. DefaultModels];

    /// <summary>HTTP status of <c>GET /models</c>; anything but 200 answers an OpenRouter JSON error.</summary>
    public int ModelsStatus { get; set; } = 200;

    /// <summary>When true, <c>GET /models</c> never answers (until the client gives up).</summary>
    public bool ModelsHang { get; set; }

    /// <summary>The key <c>GET /key</c> accepts. Unique per fake, so secret scans can look for it.</summary>
    public string ValidKey { get; set; } = "sk-or-v1-fake" + Guid.NewGuid().ToString("N");

    /// <summary>When true, <c>POST /chat/completions</c> also answers 401 unless the bearer token is <see cref="ValidKey"/>.</summary>
    public bool RequireValidKeyForChat { get; set; }

    /// <summary><c>data.limit</c> of <c>GET /key</c> (null = unlimited).</summary>
    public decimal? KeyLimit { get; set; }

    /// <summary><c>data.usage</c> of <c>GET /key</c> (credits used).</summary>
    public decimal KeyUsage { get; set; } = 0.25m;

    /// <summary><c>data.is_free_tier</c> of <c>GET /key</c>.</summary>
    public bool KeyIsFreeTier { get; set; }

    /// <summary>A snapshot of every request received so far, in arrival order.</summary>
    public IReadOnlyList<RecordedRequest> Requests
    {
        get
        {
            lock (_requests)
            {
                return [.. _requests];
            }
        }
    }

    /// <summary>Chat-completion requests only.</summary>
    public IReadOnlyList<RecordedRequest> ChatRequests => [.. Requests.Where(r => r.Path.EndsWith("/chat/completions", StringComparison.Ordinal))];

    public static async Task<FakeOpenRouter> StartAsync()
    {
        FakeOpenRouter? fake = null;
        var (app, address) = await LoopbackServer.StartAsync(() => fake!.HandleAsync);
        fake = new FakeOpenRouter(app, new Uri(address + PathPrefix));
        return fake;
    }

    /// <summary>The next chat completion answers with <paramref name="reply"/> (FIFO). With none queued: <see cref="FakeReply.Default"/>.</summary>
    public void EnqueueReply(FakeReply reply)
    {
        ArgumentNullException.ThrowIfNull(reply);
        _replies.Enqueue(reply);
    }

    /// <summary>The first recorded request matching <paramref name="match"/> (also one that arrives later, or changes state later).</summary>
    public Task<RecordedRequest> WaitForRequestAsync(Func<RecordedRequest, bool> match, TimeSpan timeout) =>
        _changed.WaitForAsync(() => Requests, match, timeout, () => "FakeOpenRouter received:\n  " + string.Join("\n  ", Requests));

    /// <summary>Completes when the client aborted <paramref name="request"/> before the fake finished it.</summary>
    public async Task WaitForDisconnectAsync(RecordedRequest request, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(request);
        try
        {
            await request.Disconnected.WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"The client did not disconnect within {timeout.TotalSeconds:0.###} s: {request}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await _app.StopAsync(cts.Token);
        await _app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext context)
    {
        var request = await RecordAsync(context);
        using var abortRegistration = context.RequestAborted.Register(() =>
        {
            request.MarkDisconnected();
            _changed.Pulse();
        });
        try
        {
            var path = request.Path;
            var method = request.Method;
            if (method == "GET" && path == PathPrefix + "/models")
            {
                await ModelsAsync(context, request);
            }
            else if (method == "GET" && path == PathPrefix + "/key")
            {
                await KeyAsync(context, request);
            }
            else if (method == "POST" && path == PathPrefix + "/chat/completions")
            {
                await ChatAsync(context, request);
            }
            else
            {
                await WriteErrorAsync(context, request, 404, $"Not found: {method} {path} (the fake serves {PathPrefix}/models, /key, /chat/completions)");
            }

            request.MarkCompleted();
        }
        catch (Exception e) when (e is OperationCanceledException or IOException && context.RequestAborted.IsCancellationRequested)
        {
            request.MarkDisconnected();
        }
        finally
        {
            _changed.Pulse();
        }
    }

    private async Task<RecordedRequest> RecordAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
        var body = await reader.ReadToEndAsync(context.RequestAborted);
        var headers = context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        RecordedRequest request;
        lock (_requests)
        {
            request = new RecordedRequest(++_sequence, context.Request.Method, context.Request.Path.Value ?? "/", context.Request.QueryString.Value ?? "", headers, body);
            _requests.Add(request);
        }

        _changed.Pulse();
        return request;
    }

    private async Task ModelsAsync(HttpContext context, RecordedRequest request)
    {
        if (ModelsHang)
        {
            await Task.Delay(Timeout.Infinite, context.RequestAborted);
        }

        if (ModelsStatus != 200)
        {
            await WriteErrorAsync(context, request, ModelsStatus, "Models are unavailable (fake).");
            return;
        }

        FakeModel[] models;
        lock (Models)
        {
            models = [.. Models];
        }

        await WriteJsonAsync(context, request, 200, w =>
        {
            w.WriteStartObject();
            w.WriteStartArray("data");
            foreach (var m in models)
            {
                WriteModel(w, m);
            }

            w.WriteEndArray();
            w.WriteEndObject();
        });
    }

    private static void WriteModel(Utf8JsonWriter w, FakeModel m)
    {
        w.WriteStartObject();
        w.WriteString("id", m.Id);
        w.WriteString("canonical_slug", m.Id.Split(':')[0] + "-20250101");
        w.WriteString("hugging_face_id", "");
        w.WriteString("name", m.Name);
        w.WriteNumber("created", 1735689600);
        w.WriteString("description", $"{m.Name}, served by the fake OpenRouter.");
        w.WriteNumber("context_length", m.ContextLength);
        w.WriteStartObject("architecture");
        w.WriteString("modality", string.Join('+', m.InputModalities) + "->text");
        WriteStrings(w, "input_modalities", m.InputModalities);
        WriteStrings(w, "output_modalities", ["text"]);
        w.WriteString("tokenizer", "Other");
        w.WriteNull("instruct_type");
        w.WriteEndObject();
        w.WriteStartObject("pricing");
        w.WriteString("prompt", m.PromptPrice);
        w.WriteString("completion", m.CompletionPrice);
        w.WriteString("request", "0");
        w.WriteString("image", "0");
        w.WriteString("web_search", "0");
        w.WriteString("internal_reasoning", "0");
        w.WriteString("input_cache_read", "0");
        w.WriteEndObject();
        w.WriteStartObject("top_provider");
        w.WriteNumber("context_length", m.ContextLength);
        w.WriteNumber("max_completion_tokens", 16384);
        w.WriteBoolean("is_moderated", false);
        w.WriteEndObject();
        w.WriteNull("per_request_limits");
        WriteStrings(w, "supported_parameters", ["max_tokens", "temperature", "top_p", "stop", "seed", "response_format"]);
        w.WriteStartObject("default_parameters");
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private async Task KeyAsync(HttpContext context, RecordedRequest request)
    {
        if (request.BearerToken != ValidKey)
        {
            await WriteErrorAsync(context, request, 401, "No auth credentials found");
            return;
        }

        await WriteJsonAsync(context, request, 200, w =>
        {
            w.WriteStartObject();
            w.WriteStartObject("data");
            w.WriteString("label", ValidKey[..Math.Min(14, ValidKey.Length)] + "..." + ValidKey[^3..]);
            WriteNullableNumber(w, "limit", KeyLimit);
            WriteNullableNumber(w, "limit_remaining", KeyLimit - KeyUsage);
            w.WriteNull("limit_reset");
            w.WriteNumber("usage", KeyUsage);
            w.WriteNumber("usage_daily", KeyUsage);
            w.WriteNumber("usage_weekly", KeyUsage);
            w.WriteNumber("usage_monthly", KeyUsage);
            w.WriteNumber("byok_usage", 0);
            w.WriteBoolean("is_free_tier", KeyIsFreeTier);
            w.WriteBoolean("include_byok_in_limit", false);
            w.WriteNull("expires_at");
            w.WriteEndObject();
            w.WriteEndObject();
        });
    }

    private async Task ChatAsync(HttpContext context, RecordedRequest request)
    {
        var reply = _replies.TryDequeue(out var queued) ? queued : FakeReply.Default();
        request.Reply = reply;
        if (request.Json is null || request.Model is null)
        {
            await WriteErrorAsync(context, request, 400, "Invalid request: a JSON body with \"model\" and \"messages\" is required.");
            return;
        }

        if (RequireValidKeyForChat && request.BearerToken != ValidKey)
        {
            await WriteErrorAsync(context, request, 401, "No auth credentials found");
            return;
        }

        if (reply.FailWithStatus is { } status)
        {
            if (status == 429)
            {
                context.Response.Headers.RetryAfter = reply.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
            }

            await WriteErrorAsync(context, request, status, reply.ErrorMessage ?? DefaultErrorMessage(status));
            return;
        }

        var id = "gen-" + DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture) + "-" + Guid.NewGuid().ToString("N")[..20];
        var created = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        if (!request.Stream)
        {
            await WriteJsonAsync(context, request, 200, w =>
            {
                w.WriteStartObject();
                WriteEnvelope(w, id, request.Model, "chat.completion", created);
                w.WriteStartArray("choices");
                w.WriteStartObject();
                w.WriteNumber("index", 0);
                w.WriteString("finish_reason", reply.FinishReason);
                w.WriteString("native_finish_reason", reply.FinishReason);
                w.WriteStartObject("message");
                w.WriteString("role", "assistant");
                w.WriteString("content", reply.FullText);
                w.WriteNull("refusal");
                w.WriteNull("reasoning");
                w.WriteEndObject();
                w.WriteEndObject();
                w.WriteEndArray();
                WriteUsage(w, reply);
                w.WriteEndObject();
            });
            return;
        }

        var aborted = context.RequestAborted;
        var response = context.Response;
        response.StatusCode = 200;
        request.StatusCode = 200;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Generation-Id"] = id;
        await WriteRawAsync(response, ": OPENROUTER PROCESSING\n\n", aborted);

        if (reply.Gate is { } gate)
        {
            await gate.Task.WaitAsync(aborted);
        }

        for (var i = 0; i < reply.Chunks.Count; i++)
        {
            if (reply.ErrorAfterChunks == i)
            {
                await WriteMidStreamErrorAsync(response, reply, id, request.Model, created, aborted);
                request.MarkCompleted();
                return;
            }

            if (reply.MidGate is { } midGate && i == reply.PauseAfterChunks)
            {
                await midGate.Task.WaitAsync(aborted);
            }

            if (i > 0 && reply.ChunkDelay > TimeSpan.Zero)
            {
                await WriteRawAsync(response, ": OPENROUTER PROCESSING\n\n", aborted);
                await Task.Delay(reply.ChunkDelay, aborted);
            }

            await WriteEventAsync(response, w => WriteChunk(w, id, request.Model, created, reply.Chunks[i], finishReason: null), aborted);
            request.ChunkSent();
            _changed.Pulse();
        }

        if (reply.ErrorAfterChunks is { } after && after >= reply.Chunks.Count)
        {
            await WriteMidStreamErrorAsync(response, reply, id, request.Model, created, aborted);
            request.MarkCompleted();
            return;
        }

        await WriteEventAsync(response, w => WriteChunk(w, id, request.Model, created, "", reply.FinishReason), aborted);
        await WriteEventAsync(response, w =>
        {
            w.WriteStartObject();
            WriteEnvelope(w, id, request.Model, "chat.completion.chunk", created);
            w.WriteStartArray("choices");
            w.WriteEndArray();
            WriteUsage(w, reply);
            w.WriteEndObject();
        }, aborted);
        await WriteRawAsync(response, "data: [DONE]\n\n", aborted);
        request.MarkCompleted(); // now, not after the handler returns: the client may hang up as soon as it reads [DONE]
    }

    private static async Task WriteMidStreamErrorAsync(HttpResponse response, FakeReply reply, string id, string model, long created, CancellationToken aborted)
    {
        await WriteEventAsync(response, w =>
        {
            w.WriteStartObject();
            WriteEnvelope(w, id, model, "chat.completion.chunk", created);
            w.WriteStartObject("error");
            w.WriteNumber("code", reply.MidStreamErrorCode);
            w.WriteString("message", reply.ErrorMessage ?? "Provider returned error: upstream connection reset (fake).");
            w.WriteEndObject();
            w.WriteStartArray("choices");
            w.WriteStartObject();
            w.WriteNumber("index", 0);
            w.WriteStartObject("delta");
            w.WriteString("content", "");
            w.WriteEndObject();
            w.WriteString("finish_reason", "error");
            w.WriteString("native_finish_reason", "error");
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteEndObject();
        }, aborted);
    }

    private static void WriteChunk(Utf8JsonWriter w, string id, string model, long created, string content, string? finishReason)
    {
        w.WriteStartObject();
        WriteEnvelope(w, id, model, "chat.completion.chunk", created);
        w.WriteStartArray("choices");
        w.WriteStartObject();
        w.WriteNumber("index", 0);
        w.WriteStartObject("delta");
        w.WriteString("role", "assistant");
        w.WriteString("content", content);
        w.WriteEndObject();
        if (finishReason is null)
        {
            w.WriteNull("finish_reason");
            w.WriteNull("native_finish_reason");
        }
        else
        {
            w.WriteString("finish_reason", finishReason);
            w.WriteString("native_finish_reason", finishReason);
        }

        w.WriteNull("logprobs");
        w.WriteEndObject();
        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void WriteEnvelope(Utf8JsonWriter w, string id, string model, string objectName, long created)
    {
        w.WriteString("id", id);
        w.WriteString("provider", "OpenAI");
        w.WriteString("model", model);
        w.WriteString("object", objectName);
        w.WriteNumber("created", created);
    }

    private static void WriteUsage(Utf8JsonWriter w, FakeReply reply)
    {
        w.WriteStartObject("usage");
        w.WriteNumber("prompt_tokens", reply.PromptTokens);
        w.WriteNumber("completion_tokens", reply.CompletionTokens);
        w.WriteNumber("total_tokens", reply.PromptTokens + reply.CompletionTokens);
        w.WriteNumber("cost", reply.Cost);
        w.WriteBoolean("is_byok", false);
        w.WriteStartObject("prompt_tokens_details");
        w.WriteNumber("cached_tokens", 0);
        w.WriteNumber("audio_tokens", 0);
        w.WriteEndObject();
        w.WriteStartObject("cost_details");
        w.WriteNumber("upstream_inference_cost", reply.Cost);
        w.WriteNumber("upstream_inference_prompt_cost", 0);
        w.WriteNumber("upstream_inference_completions_cost", reply.Cost);
        w.WriteEndObject();
        w.WriteStartObject("completion_tokens_details");
        w.WriteNumber("reasoning_tokens", 0);
        w.WriteNumber("image_tokens", 0);
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static string DefaultErrorMessage(int status) => status switch
    {
        400 => "Invalid request (fake).",
        401 => "No auth credentials found",
        402 => "Insufficient credits. Add more using https://openrouter.ai/settings/credits",
        403 => "Input was flagged by moderation (fake).",
        408 => "Request timed out (fake).",
        429 => "Rate limit exceeded: too many requests (fake).",
        502 => "Provider returned error (fake).",
        503 => "No allowed providers are available for the selected model (fake).",
        _ => "Internal Server Error (fake).",
    };

    private static async Task WriteErrorAsync(HttpContext context, RecordedRequest request, int status, string message) =>
        await WriteJsonAsync(context, request, status, w =>
        {
            w.WriteStartObject();
            w.WriteStartObject("error");
            w.WriteNumber("code", status);
            w.WriteString("message", message);
            w.WriteStartObject("metadata");
            w.WriteEndObject();
            w.WriteEndObject();
            w.WriteEndObject();
        });

    private static async Task WriteJsonAsync(HttpContext context, RecordedRequest request, int status, Action<Utf8JsonWriter> write)
    {
        request.StatusCode = status;
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await context.Response.Body.WriteAsync(Serialize(write), context.RequestAborted);
    }

    private static async Task WriteEventAsync(HttpResponse response, Action<Utf8JsonWriter> write, CancellationToken aborted)
    {
        var json = Serialize(write);
        await response.Body.WriteAsync("data: "u8.ToArray(), aborted);
        await response.Body.WriteAsync(json, aborted);
        await response.Body.WriteAsync("\n\n"u8.ToArray(), aborted);
        await response.Body.FlushAsync(aborted);
    }

    private static async Task WriteRawAsync(HttpResponse response, string text, CancellationToken aborted)
    {
        await response.Body.WriteAsync(Encoding.UTF8.GetBytes(text), aborted);
        await response.Body.FlushAsync(aborted);
    }

    private static byte[] Serialize(Action<Utf8JsonWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            write(writer);
        }

        return buffer.ToArray();
    }

    private static void WriteStrings(Utf8JsonWriter w, string name, IEnumerable<string> values)
    {
        w.WriteStartArray(name);
        foreach (var v in values)
        {
            w.WriteStringValue(v);
        }

        w.WriteEndArray();
    }

    private static void WriteNullableNumber(Utf8JsonWriter w, string name, decimal? value)
    {
        if (value is { } v)
        {
            w.WriteNumber(name, v);
        }
        else
        {
            w.WriteNull(name);
        }
    }
}
