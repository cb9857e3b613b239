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
public sealed class TelemetryOutageTests(ITestOutputHelper output)
{
    private const int PageRequests = 40;
    private const int Sends = 12;
    private const double RelativeSlack = 0.10;
    private static readonly TimeSpan AbsoluteSlack = TimeSpan.FromMilliseconds(5);

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
        await MeasureAsync(visitor, 10); // warm-up (JIT, Razor compilation, the first guest write)

        var healthy = await MeasureAsync(visitor, 1);
        t.PostHog.Mode = FakePostHogMode.Fail500;
        var failing = await MeasureAsync(visitor, 1);
        await t.PostHog.WaitForBatchAsync(b => b.StatusCode == 500, TelemetryHarness.Wait);
        t.PostHog.Mode = FakePostHogMode.Hang;
        var hanging = await MeasureAsync(visitor, 1);
        await t.PostHog.WaitForBatchAsync(b => b.StatusCode == 0, TelemetryHarness.Wait);
        var hangingCaptured = client.Counters.Captured;
        t.PostHog.Mode = FakePostHogMode.Healthy;
        var healthyAgain = await MeasureAsync(visitor, 1);

        output.WriteLine($"load average: {File.ReadAllText("/proc/loadavg").Trim()}");
        output.WriteLine($"median page / send (ms): healthy {healthy}, 500s {failing}, hanging {hanging}, healthy again {healthyAgain}");
        var pageBase = (healthy.Page + healthyAgain.Page) / 2;
        var sendBase = (healthy.Send + healthyAgain.Send) / 2;
        foreach (var (name, phase) in new[] { ("500s", failing), ("hanging", hanging) })
        {
            Assert.True(phase.Page <= (pageBase * (1 + RelativeSlack)) + AbsoluteSlack,
                $"page median with PostHog {name}: {phase.Page.TotalMilliseconds:F2} ms vs healthy {pageBase.TotalMilliseconds:F2} ms");
            Assert.True(phase.Send <= (sendBase * (1 + RelativeSlack)) + AbsoluteSlack,
                $"send median with PostHog {name}: {phase.Send.TotalMilliseconds:F2} ms vs healthy {sendBase.TotalMilliseconds:F2} ms");
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

    private static async Task<Phase> MeasureAsync(GuestSession visitor, int scale)
    {
        var pages = new List<TimeSpan>();
        var sends = new List<TimeSpan>();
        for (var i = 0; i < PageRequests / scale; i++)
        {
            var watch = Stopwatch.StartNew();
            using (var response = await visitor.GetAsync(i % 2 == 0 ? "/" : "/chat"))
            {
                await response.Content.ReadAsByteArrayAsync();
                Assert.True(response.IsSuccessStatusCode);
            }

            pages.Add(watch.Elapsed);
        }

        for (var i = 0; i < Sends / scale; i++)
        {
            var token = await visitor.GetTokenAsync(); // not timed: the page read for the token
            Assert.NotNull(token);
            var watch = Stopwatch.StartNew();
            await visitor.StartChatAsync("outage check " + i.ToString(CultureInfo.InvariantCulture));
            sends.Add(watch.Elapsed);
        }

        return new Phase(Median(pages), Median(sends));
    }

    private static TimeSpan Median(List<TimeSpan> values)
    {
        values.Sort();
        return values[values.Count / 2];
    }

    private readonly record struct Phase(TimeSpan Page, TimeSpan Send)
    {
        public override string ToString() => $"{Page.TotalMilliseconds:F2} / {Send.TotalMilliseconds:F2}";
    }
}
