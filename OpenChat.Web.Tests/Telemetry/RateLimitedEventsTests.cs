using OpenChat.Web.Telemetry;
using OpenChat.Web.Tests.Infrastructure;

namespace OpenChat.Web.Tests.Telemetry;

[Trait("Category", TestCategories.Unit)]
public sealed class RateLimitedEventsTests
{
    [Fact]
    public void Refusals_are_counted_per_policy_bucket_and_address_and_sent_once_per_window()
    {
        var sent = new List<(string DistinctId, TelemetryProperties Properties)>();
        using var events = new RateLimitedEvents(TimeSpan.FromHours(1), (scope, p) => sent.Add((scope.DistinctId, p)));

        for (var i = 0; i < 50; i++)
        {
            events.Add(Scope("visitor-" + i, "ip-a"), Refusal("global", "600/60000", retryAfter: i));
        }

        events.Add(Scope("visitor-x", "ip-b"), Refusal("global", "600/60000", retryAfter: 1));
        events.Add(Scope("visitor-x", "ip-b"), Refusal("send", "10/60000", retryAfter: 1));
        events.Flush();
        events.Flush();

        Assert.Equal(3, sent.Count);
        var flood = Assert.Single(sent, e => e.DistinctId == "visitor-0");
        Assert.Equal("50", flood.Properties["refused_count"].ToString());
        Assert.Equal("0", flood.Properties["retry_after_s"].ToString()); // the first refusal's properties
        Assert.All(sent.Where(e => e.DistinctId == "visitor-x"), e => Assert.Equal("1", e.Properties["refused_count"].ToString()));
    }

    [Fact]
    public void Memory_is_bounded_when_refusals_come_from_very_many_addresses()
    {
        var sent = 0;
        using var events = new RateLimitedEvents(TimeSpan.FromHours(1), (_, _) => sent++);

        for (var i = 0; i < RateLimitedEvents.MaxKeys + 25; i++)
        {
            events.Add(Scope("v", "ip-" + i), Refusal("global", "600/60000", retryAfter: 1));
        }

        events.Flush();

        Assert.Equal(RateLimitedEvents.MaxKeys, sent);
        Assert.Equal(25, events.Overflowed);
    }

    private static TelemetryScope Scope(string distinctId, string ipHash) => new(distinctId, null, false, new TelemetryProperties(), ipHash);

    private static TelemetryProperties Refusal(string policy, string bucket, int retryAfter)
    {
        var properties = new TelemetryProperties();
        properties["policy"] = policy;
        properties["rate_limit_bucket"] = bucket;
        properties["retry_after_s"] = retryAfter;
        return properties;
    }
}
