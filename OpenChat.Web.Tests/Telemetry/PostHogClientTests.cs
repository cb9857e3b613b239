using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using OpenChat.Web.Telemetry;
using OpenChat.Web.Tests.Infrastructure;

namespace OpenChat.Web.Tests.Telemetry;

/// <summary>The PostHog client against a fake PostHog over real HTTP: wire format, batching, outages, the full queue, flushes.</summary>
[Trait("Category", TestCategories.Integration)]
public sealed class PostHogClientTests : IAsyncLifetime
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(15);
    private FakePostHog _fake = null!;

    public async Task InitializeAsync() => _fake = await FakePostHog.StartAsync();

    public async Task DisposeAsync() => await _fake.DisposeAsync();

    private PostHogClient NewClient(Action<PostHogOptions>? tweak = null)
    {
        var options = new PostHogOptions
        {
            ApiKey = "phc_test",
            Host = _fake.BaseUrl,
            FlushInterval = TimeSpan.FromMilliseconds(100),
            RequestTimeout = TimeSpan.FromSeconds(5),
            RetryBaseDelay = TimeSpan.FromMilliseconds(20),
            MaxRetryDelay = TimeSpan.FromMilliseconds(100),
            MaxRetries = 20,
            ShutdownTimeout = TimeSpan.FromSeconds(5),
        };
        tweak?.Invoke(options);
        return new PostHogClient(options, NullLogger<PostHogClient>.Instance);
    }

    private static TelemetryEvent Numbered(int i) => new TelemetryEvent("test.numbered", "guest_1").With("n", i);

    [Fact]
    public async Task Events_arrive_as_gzip_batches_with_key_name_id_properties_iso_timestamp_and_uuid()
    {
        await using var client = NewClient();
        var when = new DateTimeOffset(2026, 3, 1, 12, 34, 56, 789, TimeSpan.FromHours(2));
        var e = new TelemetryEvent("chat.created", "member_42", when)
        {
            Properties =
            {
                ["chat_id"] = "c_1",
                ["title_length"] = 12,
                ["cost_usd"] = 0.000123m,
                ["is_boosted"] = false,
                ["tags"] = TelemetryValue.Array("a", 2, true),
                ["dropped_because_null"] = (string?)null,
                ["long_text"] = new string('x', 600),
                ["$lib"] = "someone-else",
                ["$geoip_disable"] = false,
            },
        };
        e.PersonProperties["email_domain"] = "example.com";
        e.PersonPropertiesOnce["first_seen_path"] = "/";
        e.Groups["workspace"] = "member_42";

        client.Capture(e);
        client.Start();
        var received = await _fake.WaitForEventAsync(r => r.Event == "chat.created", Wait);

        var batch = Assert.Single(_fake.Batches);
        Assert.Equal("/batch/", batch.Path);
        Assert.True(batch.Gzip);
        Assert.Equal("gzip", batch.Headers["Content-Encoding"]);
        Assert.StartsWith("application/json", batch.Headers["Content-Type"], StringComparison.Ordinal);
        using (var body = JsonDocument.Parse(batch.Json))
        {
            Assert.Equal("phc_test", body.RootElement.GetProperty("api_key").GetString());
            Assert.Equal(1, body.RootElement.GetProperty("batch").GetArrayLength());
        }

        Assert.Equal("phc_test", received.ApiKey);
        Assert.Equal("member_42", received.DistinctId);
        Assert.Equal(e.Uuid.ToString(), received.Uuid);
        Assert.Equal(7, e.Uuid.Version);
        Assert.Equal("2026-03-01T10:34:56.789Z", received.Timestamp);
        Assert.Equal(when, DateTimeOffset.Parse(received.Timestamp!, CultureInfo.InvariantCulture));

        Assert.Equal("openchat-dotnet", received.Property("$lib"));
        Assert.Equal(PostHogClient.LibVersion, received.Property("$lib_version"));
        Assert.False(string.IsNullOrEmpty(received.Property("$lib_version")));
        Assert.Equal("true", received.Property("$geoip_disable"));
        Assert.Equal("c_1", received.Property("chat_id"));
        Assert.Equal("12", received.Property("title_length"));
        Assert.Equal(0.000123, received.Properties.GetProperty("cost_usd").GetDouble(), 9);
        Assert.Equal("false", received.Property("is_boosted"));
        Assert.Equal("""["a",2,true]""", received.Property("tags"));
        Assert.False(received.HasProperty("dropped_because_null"));
        Assert.Equal(new string('x', 512), received.Property("long_text"));
        Assert.Equal("example.com", received.Properties.GetProperty("$set").GetProperty("email_domain").GetString());
        Assert.Equal("/", received.Properties.GetProperty("$set_once").GetProperty("first_seen_path").GetString());
        Assert.Equal("member_42", received.Properties.GetProperty("$groups").GetProperty("workspace").GetString());

        // A property name appears once in the JSON: the client's $lib / $geoip_disable replace the caller's.
        Assert.Equal(1, CountOccurrences(batch.Json, "\"$lib\""));
        Assert.Equal(1, CountOccurrences(batch.Json, "\"$geoip_disable\""));

        await client.FlushAsync();
        Assert.Equal(new PostHogCounters(Captured: 1, Queued: 0, Sent: 1, Dropped: 0, Failed: 0, Retried: 0), client.Counters);
    }

    [Fact]
    public async Task Browser_events_are_sent_alike_with_geoip_disabled()
    {
        await using var client = NewClient();
        client.Start();

        client.Capture(new TelemetryEvent("ui.theme_toggled", "guest_7") { FromBrowser = true }.With("ui_theme", "dark"));

        var received = await _fake.WaitForEventAsync(r => r.Event == "ui.theme_toggled", Wait);
        Assert.Equal("true", received.Property("$geoip_disable"));
        Assert.Equal("openchat-dotnet", received.Property("$lib"));
        Assert.Equal("dark", received.Property("ui_theme"));
    }

    [Fact]
    public async Task A_full_batch_is_sent_without_waiting_for_the_interval()
    {
        await using var client = NewClient(o => o.FlushInterval = TimeSpan.FromHours(1));
        client.Start();

        for (var i = 0; i < 99; i++)
        {
            client.Capture(Numbered(i));
        }

        Assert.Equal(0, _fake.RequestCount);
        client.Capture(Numbered(99));

        var batch = await _fake.WaitForBatchAsync(b => b.Accepted, Wait);
        Assert.Equal(100, batch.Events.Count);
        Assert.Equal(Enumerable.Range(0, 100).Select(i => i.ToString(CultureInfo.InvariantCulture)), batch.Events.Select(r => r.Property("n")));
    }

    [Fact]
    public async Task Batches_hold_at_most_BatchSize_events()
    {
        await using var client = NewClient(o => o.BatchSize = 4);
        for (var i = 0; i < 10; i++)
        {
            client.Capture(Numbered(i));
        }

        await client.FlushAsync();

        Assert.Equal([4, 4, 2], _fake.Batches.Select(b => b.Events.Count));
        Assert.Equal(10, client.Counters.Sent);
    }

    [Fact]
    public async Task During_500s_events_are_retried_with_the_same_uuids_and_arrive_exactly_once_after_recovery()
    {
        _fake.Mode = FakePostHogMode.Fail500;
        await using var client = NewClient();
        client.Start();
        var captured = new List<TelemetryEvent>();
        for (var i = 0; i < 30; i++)
        {
            var e = Numbered(i);
            client.Capture(e); // returns: it only queues
            captured.Add(e);
        }

        await _fake.WaitForBatchAsync(b => b.StatusCode == 500 && _fake.Batches.Count(x => x.StatusCode == 500) >= 3, Wait);
        for (var i = 30; i < 40; i++)
        {
            var e = Numbered(i);
            client.Capture(e); // still returns at once while the sender is busy retrying
            captured.Add(e);
        }

        _fake.Mode = FakePostHogMode.Healthy;
        var uuids = captured.Select(e => e.Uuid.ToString()).ToHashSet();
        await _fake.WaitForEventAsync(_ => uuids.IsSubsetOf(_fake.Events.Select(r => r.Uuid!)), Wait);
        await client.FlushAsync();

        var accepted = _fake.Events.Select(r => r.Uuid!).ToList();
        Assert.Equal(accepted.Count, accepted.Distinct().Count());
        Assert.True(uuids.SetEquals(accepted));
        var failedUuids = _fake.Batches.Where(b => b.StatusCode == 500).SelectMany(b => b.Events).Select(r => r.Uuid!).ToHashSet();
        Assert.True(failedUuids.IsSubsetOf(uuids), "a retry resends the same uuids");
        var counters = client.Counters;
        Assert.Equal(40, counters.Sent);
        Assert.Equal(0, counters.Failed);
        Assert.Equal(0, counters.Dropped);
        Assert.Equal(0, counters.Queued);
        Assert.True(counters.Retried >= 2, $"retried {counters.Retried}");
    }

    [Fact]
    public async Task A_hanging_PostHog_times_out_and_is_retried_while_Capture_keeps_returning()
    {
        _fake.Mode = FakePostHogMode.Hang;
        await using var client = NewClient(o => o.RequestTimeout = TimeSpan.FromMilliseconds(300));
        client.Start();
        var first = Numbered(0);
        client.Capture(first);

        // The first request hangs; a second one (the retry after the timeout) arrives with the same uuid.
        await _fake.WaitForBatchAsync(b => b.StatusCode == 0, Wait);
        var later = Enumerable.Range(1, 20).Select(Numbered).ToList();
        foreach (var e in later)
        {
            client.Capture(e); // the sender is stuck in a hanging request; Capture is not
        }

        await _fake.WaitForBatchAsync(_ => _fake.Batches.Count(b => b.StatusCode == 0 && b.Events.Any(r => r.Uuid == first.Uuid.ToString())) >= 2, Wait);

        _fake.Mode = FakePostHogMode.Healthy;
        var uuids = later.Append(first).Select(e => e.Uuid.ToString()).ToHashSet();
        await _fake.WaitForEventAsync(_ => uuids.IsSubsetOf(_fake.Events.Select(r => r.Uuid!)), Wait);
        await client.FlushAsync();

        Assert.Equal(21, _fake.Events.Count);
        Assert.Equal(21, client.Counters.Sent);
        Assert.True(client.Counters.Retried >= 1);
    }

    [Fact]
    public async Task With_the_queue_full_the_oldest_are_dropped_and_counted_and_the_newest_arrive_after_recovery()
    {
        _fake.Mode = FakePostHogMode.Hang;
        await using var client = NewClient(o =>
        {
            o.QueueCapacity = 5;
            o.RequestTimeout = TimeSpan.FromMilliseconds(300);
        });
        client.Start();
        var inFlight = Numbered(0);
        client.Capture(inFlight);
        await _fake.WaitForBatchAsync(b => b.StatusCode == 0, Wait); // the sender now retries this batch and takes nothing else

        var rest = Enumerable.Range(1, 10).Select(Numbered).ToList();
        foreach (var e in rest)
        {
            client.Capture(e);
        }

        var during = client.Counters;
        Assert.Equal(5, during.Dropped);
        Assert.Equal(6, during.Queued); // 5 waiting + 1 in flight
        Assert.Equal(11, during.Captured);

        _fake.Mode = FakePostHogMode.Healthy;
        var newest = rest.Skip(5).Append(inFlight).Select(e => e.Uuid.ToString()).ToHashSet();
        await _fake.WaitForEventAsync(_ => newest.IsSubsetOf(_fake.Events.Select(r => r.Uuid!)), Wait);
        await client.FlushAsync();

        var oldest = rest.Take(5).Select(e => e.Uuid.ToString()).ToHashSet();
        Assert.DoesNotContain(_fake.Batches.SelectMany(b => b.Events), r => oldest.Contains(r.Uuid!));
        Assert.Equal(6, _fake.Events.Count);
        Assert.Equal(new PostHogCounters(Captured: 11, Queued: 0, Sent: 6, Dropped: 5, Failed: 0, Retried: client.Counters.Retried), client.Counters);
    }

    [Fact]
    public async Task After_the_last_retry_a_batch_is_counted_failed_and_dropped()
    {
        _fake.Mode = FakePostHogMode.Fail500;
        await using var client = NewClient(o => o.MaxRetries = 2); // not started: FlushAsync drives the sending

        client.Capture(Numbered(1));
        client.Capture(Numbered(2));
        await client.FlushAsync();

        Assert.Equal(3, _fake.Batches.Count);
        Assert.All(_fake.Batches, b => Assert.Equal(500, b.StatusCode));
        Assert.Equal(new PostHogCounters(Captured: 2, Queued: 0, Sent: 0, Dropped: 0, Failed: 2, Retried: 2), client.Counters);

        _fake.Mode = FakePostHogMode.Healthy;
        await client.FlushAsync();
        Assert.Empty(_fake.Events); // dropped means dropped
    }

    [Fact]
    public async Task Stop_flushes_what_is_queued_and_later_captures_are_counted_dropped()
    {
        var client = NewClient(o => o.FlushInterval = TimeSpan.FromHours(1));
        client.Start();
        client.Capture(Numbered(1));
        client.Capture(Numbered(2));

        await client.StopAsync();

        Assert.Equal(2, _fake.Events.Count);
        client.Capture(Numbered(3));
        await client.DisposeAsync();
        Assert.Equal(new PostHogCounters(Captured: 3, Queued: 0, Sent: 2, Dropped: 1, Failed: 0, Retried: 0), client.Counters);
        Assert.Equal(1, _fake.RequestCount);
    }

    [Fact]
    public async Task The_shutdown_flush_is_bounded_and_counts_what_it_could_not_send()
    {
        _fake.Mode = FakePostHogMode.Hang;
        var client = NewClient(o =>
        {
            o.FlushInterval = TimeSpan.FromHours(1);
            o.RequestTimeout = TimeSpan.FromMinutes(1);
            o.ShutdownTimeout = TimeSpan.FromMilliseconds(300);
        });
        client.Start();
        client.Capture(Numbered(1));

        await client.DisposeAsync(); // returns after about ShutdownTimeout, not RequestTimeout

        Assert.Equal(new PostHogCounters(Captured: 1, Queued: 0, Sent: 0, Dropped: 1, Failed: 0, Retried: 0), client.Counters);
    }

    private static int CountOccurrences(string text, string value)
    {
        var count = 0;
        for (var i = text.IndexOf(value, StringComparison.Ordinal); i >= 0; i = text.IndexOf(value, i + 1, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }
}
