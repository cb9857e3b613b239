using System.ClientModel;
using System.ClientModel.Primitives;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using OpenAI;
using OpenAI.Chat;

namespace OpenChat.Web.Tests.Infrastructure;

[Trait("Category", TestCategories.Integration)]
public sealed class FakeOpenRouterTests : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);
    private FakeOpenRouter _fake = null!;

    public async Task InitializeAsync() => _fake = await FakeOpenRouter.StartAsync();

    public async Task DisposeAsync() => await _fake.DisposeAsync();

    // No retries: the SDK's default policy retries 408/429/5xx (honouring Retry-After), which would consume the next script.
    private ChatClient Client(string model = "openai/gpt-4o-mini", int maxRetries = 0) =>
        new(model, new ApiKeyCredential(_fake.ValidKey), new OpenAIClientOptions { Endpoint = _fake.BaseUrl, RetryPolicy = new ClientRetryPolicy(maxRetries) });

    [Fact]
    public async Task Sdk_streaming_assembles_the_scripted_text_and_sees_usage()
    {
        _fake.EnqueueReply(FakeReply.Text("Bonjour", ", le ", "monde", " ✓"));
        var text = new StringBuilder();
        ChatTokenUsage? usage = null;
        string? finish = null;

        await foreach (var update in Client().CompleteChatStreamingAsync([new UserChatMessage("hi")]))
        {
            foreach (var part in update.ContentUpdate)
            {
                text.Append(part.Text);
            }

            usage ??= update.Usage;
            finish ??= update.FinishReason?.ToString();
        }

        Assert.Equal("Bonjour, le monde ✓", text.ToString());
        Assert.NotNull(usage);
        Assert.Equal(12, usage.InputTokenCount);
        Assert.Equal(34, usage.OutputTokenCount);
        Assert.Equal(46, usage.TotalTokenCount);
        Assert.Equal("Stop", finish);

        var request = Assert.Single(_fake.ChatRequests);
        Assert.Equal("openai/gpt-4o-mini", request.Model);
        Assert.True(request.Stream);
        Assert.Equal($"Bearer {_fake.ValidKey}", request.Authorization);
        Assert.Equal("hi", request.Json!.Value.GetProperty("messages")[0].GetProperty("content").GetString());
        await request.Finished.WaitAsync(Timeout);
        Assert.True(request.Completed);
        Assert.False(request.ClientDisconnected);
    }

    [Fact]
    public async Task Raw_stream_has_keepalive_comments_real_chunk_shape_cost_and_done()
    {
        using var http = new HttpClient();
        using var post = new HttpRequestMessage(HttpMethod.Post, _fake.BaseUrl + "/chat/completions")
        {
            Content = new StringContent("""{"model":"m/x","stream":true,"messages":[{"role":"user","content":"hi"}]}""", Encoding.UTF8, "application/json"),
        };
        using var response = await http.SendAsync(post);
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        Assert.StartsWith(": OPENROUTER PROCESSING\n\n", body, StringComparison.Ordinal);
        Assert.EndsWith("data: [DONE]\n\n", body, StringComparison.Ordinal);
        var events = body.Split("\n\n", StringSplitOptions.RemoveEmptyEntries).Where(e => e.StartsWith("data: {", StringComparison.Ordinal))
            .Select(e => JsonDocument.Parse(e["data: ".Length..]).RootElement).ToList();
        Assert.Equal(5, events.Count); // 3 content chunks, the finish chunk, the usage chunk
        var first = events[0];
        Assert.StartsWith("gen-", first.GetProperty("id").GetString(), StringComparison.Ordinal);
        Assert.Equal("chat.completion.chunk", first.GetProperty("object").GetString());
        Assert.Equal("m/x", first.GetProperty("model").GetString());
        Assert.Equal("assistant", first.GetProperty("choices")[0].GetProperty("delta").GetProperty("role").GetString());
        Assert.Equal(JsonValueKind.Null, first.GetProperty("choices")[0].GetProperty("finish_reason").ValueKind);
        Assert.Equal(FakeReply.DefaultText, string.Concat(events.Take(3).Select(e => e.GetProperty("choices")[0].GetProperty("delta").GetProperty("content").GetString())));
        Assert.Equal("stop", events[3].GetProperty("choices")[0].GetProperty("finish_reason").GetString());
        var usage = events[4].GetProperty("usage");
        Assert.Equal(0, events[4].GetProperty("choices").GetArrayLength());
        Assert.Equal(JsonValueKind.Number, usage.GetProperty("cost").ValueKind);
        Assert.Equal(0.0000123m, usage.GetProperty("cost").GetDecimal());
        Assert.Equal(0, usage.GetProperty("prompt_tokens_details").GetProperty("cached_tokens").GetInt32());
        Assert.Equal(0, usage.GetProperty("completion_tokens_details").GetProperty("reasoning_tokens").GetInt32());
    }

    [Theory]
    [InlineData(401)]
    [InlineData(402)]
    [InlineData(429)]
    [InlineData(500)]
    public async Task Sdk_throws_ClientResultException_with_the_scripted_status(int status)
    {
        _fake.EnqueueReply(FakeReply.Fail(status));

        var error = await Assert.ThrowsAsync<ClientResultException>(async () =>
        {
            await foreach (var _ in Client().CompleteChatStreamingAsync([new UserChatMessage("hi")], new ChatCompletionOptions(), default))
            {
            }
        });

        Assert.Equal(status, error.Status);
        var raw = error.GetRawResponse()!;
        Assert.Equal(status, raw.Status);
        using var json = JsonDocument.Parse(raw.Content.ToString());
        Assert.Equal(status, json.RootElement.GetProperty("error").GetProperty("code").GetInt32());
        if (status == 429)
        {
            Assert.True(raw.Headers.TryGetValue("Retry-After", out var retryAfter));
            Assert.Equal("7", retryAfter);
        }
    }

    [Fact]
    public async Task Sdk_default_retry_policy_retries_a_500_and_uses_the_next_script()
    {
        // Documents SDK behaviour the app must account for: a 5xx (or 429) is retried transparently by default.
        _fake.EnqueueReply(FakeReply.Fail(500));
        _fake.EnqueueReply(FakeReply.Text("second try"));
        var client = new ChatClient("m/x", new ApiKeyCredential(_fake.ValidKey), new OpenAIClientOptions { Endpoint = _fake.BaseUrl });

        ChatCompletion completion = await client.CompleteChatAsync([new UserChatMessage("hi")]);

        Assert.Equal("second try", completion.Content[0].Text);
        Assert.Equal([500, 200], _fake.ChatRequests.Select(r => r.StatusCode).ToArray());
    }

    [Fact]
    public async Task Error_after_chunks_gives_partial_text_then_a_stream_error()
    {
        _fake.EnqueueReply(FakeReply.Text("Part one.", " Part two.", " Never sent.") with { ErrorAfterChunks = 2 });

        // Through the SDK: the partial chunks arrive, then the error event ends the stream. OpenAI 2.15.0 does not know
        // finish_reason "error" and throws ArgumentOutOfRangeException("Unknown ChatFinishReason value") on that chunk,
        // so the top-level error message is not visible through the SDK. The app must handle that (see the harness report).
        var text = new StringBuilder();
        var failure = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () =>
        {
            await foreach (var update in Client().CompleteChatStreamingAsync([new UserChatMessage("hi")]))
            {
                foreach (var part in update.ContentUpdate)
                {
                    text.Append(part.Text);
                }
            }
        });

        Assert.Equal("Part one. Part two.", text.ToString());
        Assert.Contains("ChatFinishReason", failure.Message, StringComparison.Ordinal);

        // On the wire: a data event with top-level error and finish_reason "error", and no [DONE].
        _fake.EnqueueReply(FakeReply.Text("a", "b") with { ErrorAfterChunks = 1, ErrorMessage = "boom" });
        using var http = new HttpClient();
        using var response = await http.PostAsync(new Uri(_fake.BaseUrl + "/chat/completions"),
            new StringContent("""{"model":"m/x","stream":true,"messages":[]}""", Encoding.UTF8, "application/json"));
        var body = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.DoesNotContain("[DONE]", body, StringComparison.Ordinal);
        var last = JsonDocument.Parse(body.Split("\n\n", StringSplitOptions.RemoveEmptyEntries).Last()["data: ".Length..]).RootElement;
        Assert.Equal("boom", last.GetProperty("error").GetProperty("message").GetString());
        Assert.Equal(502, last.GetProperty("error").GetProperty("code").GetInt32());
        Assert.Equal("error", last.GetProperty("choices")[0].GetProperty("finish_reason").GetString());
    }

    [Fact]
    public async Task Cancelling_the_sdk_mid_stream_is_seen_as_a_disconnect()
    {
        var midGate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _fake.EnqueueReply(FakeReply.Text("first", " second", " third") with { MidGate = midGate, PauseAfterChunks = 1 });
        using var cts = new CancellationTokenSource();
        var received = new StringBuilder();

        var enumeration = Task.Run(async () =>
        {
            await foreach (var update in Client().CompleteChatStreamingAsync([new UserChatMessage("hi")], cancellationToken: cts.Token))
            {
                foreach (var part in update.ContentUpdate)
                {
                    received.Append(part.Text);
                    if (received.ToString() == "first")
                    {
                        await cts.CancelAsync(); // the fake is now parked on the gate, mid-reply
                    }
                }
            }
        });

        var request = await _fake.WaitForRequestAsync(r => r.Stream, Timeout);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => enumeration);
        await _fake.WaitForDisconnectAsync(request, Timeout);

        Assert.True(request.ClientDisconnected);
        Assert.False(request.Completed);
        Assert.Equal(1, request.ChunksSent);
        Assert.Equal("first", received.ToString());
    }

    [Fact]
    public async Task Gate_holds_the_stream_until_set()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _fake.EnqueueReply(FakeReply.Text("after the gate") with { Gate = gate });

        var reply = Task.Run(async () =>
        {
            var text = new StringBuilder();
            await foreach (var update in Client().CompleteChatStreamingAsync([new UserChatMessage("hi")]))
            {
                foreach (var part in update.ContentUpdate)
                {
                    text.Append(part.Text);
                }
            }

            return text.ToString();
        });

        var request = await _fake.WaitForRequestAsync(r => r.Stream, Timeout);
        Assert.Equal(0, request.ChunksSent);
        Assert.False(reply.IsCompleted);
        gate.SetResult();
        Assert.Equal("after the gate", await reply.WaitAsync(Timeout));
    }

    [Fact]
    public async Task Non_streaming_completion_is_answered()
    {
        _fake.EnqueueReply(FakeReply.Text("one ", "piece"));
        ChatCompletion completion = await Client().CompleteChatAsync([new UserChatMessage("hi")]);

        Assert.Equal("one piece", completion.Content[0].Text);
        Assert.Equal(46, completion.Usage.TotalTokenCount);
        Assert.False(Assert.Single(_fake.ChatRequests).Stream);
    }

    [Fact]
    public async Task Models_are_served_with_decimal_string_prices()
    {
        using var http = new HttpClient();
        using var json = JsonDocument.Parse(await http.GetStringAsync(new Uri(_fake.BaseUrl + "/models")));
        var data = json.RootElement.GetProperty("data");

        Assert.Equal(3, data.GetArrayLength());
        var mini = data.EnumerateArray().Single(m => m.GetProperty("id").GetString() == "openai/gpt-4o-mini");
        var pricing = mini.GetProperty("pricing");
        Assert.Equal(JsonValueKind.String, pricing.GetProperty("prompt").ValueKind);
        Assert.Equal(0.00000015m, decimal.Parse(pricing.GetProperty("prompt").GetString()!, CultureInfo.InvariantCulture));
        Assert.Equal("0.0000006", pricing.GetProperty("completion").GetString());
        Assert.Equal(["text", "image"], mini.GetProperty("architecture").GetProperty("input_modalities").EnumerateArray().Select(e => e.GetString()!).ToArray());
        Assert.Contains(data.EnumerateArray(), m => m.GetProperty("architecture").GetProperty("input_modalities").GetArrayLength() == 1);
        Assert.Equal(128000, mini.GetProperty("context_length").GetInt32());

        _fake.ModelsStatus = 500;
        using var failed = await http.GetAsync(new Uri(_fake.BaseUrl + "/models"));
        Assert.Equal(HttpStatusCode.InternalServerError, failed.StatusCode);
    }

    [Fact]
    public async Task Models_can_hang_until_the_client_gives_up()
    {
        _fake.ModelsHang = true;
        using var http = new HttpClient();
        using var cts = new CancellationTokenSource();
        var get = http.GetAsync(new Uri(_fake.BaseUrl + "/models"), cts.Token);

        var request = await _fake.WaitForRequestAsync(r => r.Path.EndsWith("/models", StringComparison.Ordinal), Timeout);
        Assert.False(get.IsCompleted);
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => get);
        await _fake.WaitForDisconnectAsync(request, Timeout);
    }

    [Fact]
    public async Task Key_endpoint_accepts_only_the_valid_key()
    {
        using var http = new HttpClient();
        using var good = new HttpRequestMessage(HttpMethod.Get, _fake.BaseUrl + "/key");
        good.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _fake.ValidKey);
        using var ok = await http.SendAsync(good);
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        using (var json = JsonDocument.Parse(await ok.Content.ReadAsStringAsync()))
        {
            var data = json.RootElement.GetProperty("data");
            Assert.False(data.GetProperty("is_free_tier").GetBoolean());
            Assert.Equal(JsonValueKind.Null, data.GetProperty("limit").ValueKind);
            Assert.Equal(0.25m, data.GetProperty("usage").GetDecimal());
            Assert.DoesNotContain(_fake.ValidKey, data.GetProperty("label").GetString()!, StringComparison.Ordinal);
        }

        using var bad = new HttpRequestMessage(HttpMethod.Get, _fake.BaseUrl + "/key");
        bad.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "sk-or-v1-wrong");
        using var denied = await http.SendAsync(bad);
        Assert.Equal(HttpStatusCode.Unauthorized, denied.StatusCode);
        using var error = JsonDocument.Parse(await denied.Content.ReadAsStringAsync());
        Assert.Equal(401, error.RootElement.GetProperty("error").GetProperty("code").GetInt32());

        Assert.Equal("Bearer sk-or-v1-wrong", _fake.Requests[^1].Authorization);
    }

    [Fact]
    public async Task Unknown_paths_are_recorded_and_answered_404()
    {
        using var http = new HttpClient();
        using var response = await http.GetAsync(new Uri(_fake.BaseUrl, "/v1/models")); // a classic base-URL joining mistake
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("/v1/models", Assert.Single(_fake.Requests).Path);
    }
}
