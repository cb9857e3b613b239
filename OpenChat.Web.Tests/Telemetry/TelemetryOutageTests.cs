using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using OpenChat.Web.Telemetry;
using OpenChat.Web.Tests.Chats;
using OpenChat.Web.Tests.Infrastructure;
using Xunit.Abstractions;

namespace OpenChat.Web.Tests.Telemetry;

/// <summary>
/// PostHog failing (500) and then hanging: page and send latency stay at their healthy level (compared in the test, not against a fixed
/// time), and once PostHog is back every captured event is delivered exactly once (by uuid).
/// </summary>
[Trait("Category", TestCategories.Integration)]
[Collection(nameof(TelemetryOutageCollection))]
public sealed class TelemetryOutageTests(ITestOutputHelper output)
{
    private const int Rounds = 3;
    private const int PagesPerBlock = 14;
    private const int SendsPerBlock = 8;
    private const double RelativeSlack = 0.10;
    // A few milliseconds of noise on a 2-core machine (the app, the fakes and the client share it) are not telemetry.
    private static readonly TimeSpan AbsoluteSlack = TimeSpan.FromMilliseconds(10);

    [Fact]
    public async Task Latency_holds_while_PostHog_fails_or_hangs_and_events_arrive_once_after_it_recovers()
    {
        await using var t = await TelemetryHarness.StartAsync(new Dictionary<string, string?>
        {
            ["PostHog:RequestTimeout"] = "00:00:00.500",
            ["PostHog:MaxRetries"] = "20", // the most allowed: enough to outlast the outage (a few seconds); this test is about delivery after it
            ["PostHog:RetryBaseDelay"] = "00:00:00.050",
            ["PostHog:MaxRetryDelay"] = "00:00:00.200",
            ["PostHog:BatchSize"] = "20",
        });
        var client = t.Host.Services.GetRequiredService<IPostHogClient>();
        using var visitor = new GuestSession(t.Host);
        await MeasureAsync(visitor, Warmup); // JIT, Razor compilation, the first guest write

        // Rounds of healthy / failing / hanging blocks, so drift in the machine's load touches every mode alike.
        var samples = new Dictionary<FakePostHogMode, Samples> { [FakePostHogMode.Healthy] = new(), [FakePostHogMode.Fail500] = new(), [FakePostHogMode.Hang] = new() };
        for (var round = 0; round < Rounds; round++)
        {
            foreach (var mode in new[] { FakePostHogMode.Healthy, FakePostHogMode.Fail500, FakePostHogMode.Hang })
            {
                t.PostHog.Mode = mode;
                await MeasureAsync(visitor, samples[mode]);
                if (round == 0 && mode != FakePostHogMode.Healthy)
                {
                    // The sender really met this failure before the next block.
                    await t.PostHog.WaitForBatchAsync(b => b.StatusCode == (mode == FakePostHogMode.Hang ? 0 : 500), TelemetryHarness.Wait);
                }
            }
        }

        var hangingCaptured = client.Counters.Captured;
        t.PostHog.Mode = FakePostHogMode.Healthy;
        var healthy = samples[FakePostHogMode.Healthy].Medians();
        var failing = samples[FakePostHogMode.Fail500].Medians();
        var hanging = samples[FakePostHogMode.Hang].Medians();
        output.WriteLine($"load average: {File.ReadAllText("/proc/loadavg").Trim()}");
        output.WriteLine($"median page / send (ms): healthy {healthy}, 500s {failing}, hanging {hanging}");
        foreach (var (name, phase) in new[] { ("500s", failing), ("hanging", hanging) })
        {
            Assert.True(phase.Page <= (healthy.Page * (1 + RelativeSlack)) + AbsoluteSlack,
                $"page median with PostHog {name}: {phase.Page.TotalMilliseconds:F2} ms vs healthy {healthy.Page.TotalMilliseconds:F2} ms");
            Assert.True(phase.Send <= (healthy.Send * (1 + RelativeSlack)) + AbsoluteSlack,
                $"send median with PostHog {name}: {phase.Send.TotalMilliseconds:F2} ms vs healthy {healthy.Send.TotalMilliseconds:F2} ms");
        }

        // Recovery: every captured event is delivered, once. First every reply has ended (its chat_message_stream arrived), then a flush
        // returns when what is queued was accepted or given up on.
        await t.PostHog.WaitForEventAsync(
            _ => t.PostHog.Events.Count(e => e.Event == "chat_message_stream") == t.PostHog.Events.Count(e => e.Event == "chat.created"), TimeSpan.FromSeconds(30));
        await client.FlushAsync();
        var counters = client.Counters;
        output.WriteLine(counters.ToString());
        Assert.True(counters.Captured > hangingCaptured);
        Assert.Equal(0, counters.Dropped);
        Assert.Equal(0, counters.Failed);
        Assert.True(counters.Retried > 0);
        var uuids = t.PostHog.Events.Select(e => e.Uuid).ToList();
        Assert.Equal(uuids.Count, uuids.Distinct().Count());
        Assert.Equal(counters.Captured, uuids.Count);
        Assert.Contains(t.PostHog.Batches, b => b.StatusCode == 500);
        Assert.Contains(t.PostHog.Batches, b => b.StatusCode == 0);
    }

    private static async Task MeasureAsync(GuestSession visitor, Samples samples)
    {
        for (var i = 0; i < PagesPerBlock; i++)
        {
            var watch = Stopwatch.StartNew();
            using (var response = await visitor.GetAsync(i % 2 == 0 ? "/" : "/chat"))
            {
                await response.Content.ReadAsByteArrayAsync();
                Assert.True(response.IsSuccessStatusCode);
            }

            samples.Pages.Add(watch.Elapsed);
        }

        for (var i = 0; i < SendsPerBlock; i++)
        {
            Assert.NotNull(await visitor.GetTokenAsync()); // not timed: the page read for the token
            var watch = Stopwatch.StartNew();
            await visitor.StartChatAsync("outage check " + samples.Sends.Count.ToString(CultureInfo.InvariantCulture));
            samples.Sends.Add(watch.Elapsed);
        }
    }

    private static readonly Samples Warmup = new();

    private static TimeSpan Median(List<TimeSpan> values)
    {
        values.Sort();
        return values[values.Count / 2];
    }

    private sealed class Samples
    {
        public List<TimeSpan> Pages { get; } = [];

        public List<TimeSpan> Sends { get; } = [];

        public Phase Medians() => new(Median(Pages), Median(Sends));
    }

    private readonly record struct Phase(TimeSpan Page, TimeSpan Send)
    {
        public override string ToString() => $"{Page.TotalMilliseconds:F2} / {Send.TotalMilliseconds:F2}";
    }
}

/// <summary>Latency comparisons run alone (after the parallel collections), so other tests' load does not swing one mode's medians.</summary>
[CollectionDefinition(nameof(TelemetryOutageCollection), DisableParallelization = true)]
public sealed class TelemetryOutageCollection;
