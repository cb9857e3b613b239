using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace OpenChat.Web.Tests.Infrastructure;

[Trait("Category", TestCategories.Integration)]
public sealed class FakePostHogTests : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private FakePostHog _fake = null!;
    private readonly HttpClient _http = new();

    public async Task InitializeAsync() => _fake = await FakePostHog.StartAsync();

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _fake.DisposeAsync();
    }

    private const string BatchJson = """
        {"api_key":"phc_test","batch":[
          {"event":"chat.created","distinct_id":"guest_1","properties":{"chat_id":"c1","$process_person_profile":false},"timestamp":"2026-11-26T10:00:00Z","uuid":"0193a0c0-0000-7000-8000-000000000001"},
          {"event":"message.sent","distinct_id":"guest_1","properties":{"length":5},"timestamp":"2026-11-26T10:00:01Z","uuid":"0193a0c0-0000-7000-8000-000000000002"}
        ]}
        """;

    [Fact]
    public async Task Gzip_batch_is_recorded_with_its_events()
    {
        using var response = await PostAsync("batch/", BatchJson, gzip: true);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("""{"status":"Ok"}""", await response.Content.ReadAsStringAsync());
        var batch = Assert.Single(_fake.Batches);
        Assert.Equal("/batch/", batch.Path);
        Assert.True(batch.Gzip);
        Assert.Contains("\"chat.created\"", batch.Json, StringComparison.Ordinal);
        Assert.Equal(2, _fake.Events.Count);
        var created = _fake.Events[0];
        Assert.Equal("chat.created", created.Event);
        Assert.Equal("guest_1", created.DistinctId);
        Assert.Equal("phc_test", created.ApiKey);
        Assert.Equal("0193a0c0-0000-7000-8000-000000000001", created.Uuid);
        Assert.Equal("2026-11-26T10:00:00Z", created.Timestamp);
        Assert.Equal("c1", created.Property("chat_id"));
        Assert.Equal("false", created.Property("$process_person_profile"));
        Assert.Equal("5", _fake.Events[1].Property("length"));
        Assert.Equal(1, _fake.RequestCount);
    }

    [Fact]
    public async Task Plain_single_event_is_recorded_and_can_be_awaited()
    {
        var waiting = _fake.WaitForEventAsync(e => e.Event == "reply.completed", Timeout);
        Assert.False(waiting.IsCompleted);

        using var response = await PostAsync("i/v0/e/", """{"api_key":"phc_test","event":"reply.completed","distinct_id":"member_9","properties":{"cost_usd":0.0000123}}""", gzip: false);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var received = await waiting;
        Assert.Equal("member_9", received.DistinctId);
        Assert.Null(received.Uuid);
        Assert.Equal("/i/v0/e/", received.Path);
        Assert.False(Assert.Single(_fake.Batches).Gzip);
    }

    [Fact]
    public async Task Fail500_answers_500_and_accepts_nothing()
    {
        _fake.Mode = FakePostHogMode.Fail500;
        using var response = await PostAsync("batch/", BatchJson, gzip: true);

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        var batch = Assert.Single(_fake.Batches);
        Assert.False(batch.Accepted);
        Assert.Equal(2, batch.Events.Count);
        Assert.Empty(_fake.Events);

        _fake.Mode = FakePostHogMode.Healthy;
        using var retried = await PostAsync("batch/", BatchJson, gzip: true);
        Assert.Equal(HttpStatusCode.OK, retried.StatusCode);
        Assert.Equal(2, _fake.Events.Count);
        Assert.Equal(2, _fake.RequestCount);
    }

    [Fact]
    public async Task Hang_holds_the_request_until_the_client_gives_up()
    {
        _fake.Mode = FakePostHogMode.Hang;
        using var cts = new CancellationTokenSource();
        var post = _http.PostAsync(new Uri(_fake.BaseUrl, "batch/"), new StringContent(BatchJson, Encoding.UTF8, "application/json"), cts.Token);

        var batch = await _fake.WaitForBatchAsync(_ => true, Timeout);
        Assert.False(post.IsCompleted);
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => post);
        Assert.False(batch.Accepted);
        Assert.Empty(_fake.Events);
    }

    [Fact]
    public async Task Missing_api_key_is_rejected()
    {
        using var response = await PostAsync("i/v0/e/", """{"event":"x","distinct_id":"d"}""", gzip: false);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Empty(_fake.Events);
    }

    [Fact]
    public async Task WaitForEventAsync_times_out_with_a_description()
    {
        var error = await Assert.ThrowsAsync<TimeoutException>(() => _fake.WaitForEventAsync(e => e.Event == "never", TimeSpan.FromMilliseconds(100)));
        Assert.Contains("FakePostHog", error.Message, StringComparison.Ordinal);
    }

    private async Task<HttpResponseMessage> PostAsync(string path, string json, bool gzip)
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        HttpContent content;
        if (gzip)
        {
            using var buffer = new MemoryStream();
            await using (var zip = new GZipStream(buffer, CompressionLevel.Fastest, leaveOpen: true))
            {
                await zip.WriteAsync(bytes);
            }

            content = new ByteArrayContent(buffer.ToArray());
            content.Headers.ContentEncoding.Add("gzip");
        }
        else
        {
            content = new ByteArrayContent(bytes);
        }

        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return await _http.PostAsync(new Uri(_fake.BaseUrl, path), content);
    }
}
