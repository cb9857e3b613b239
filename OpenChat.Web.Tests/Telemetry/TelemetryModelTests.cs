using System.Buffers;
using System.Text.Json;
using OpenChat.Web.Telemetry;
using OpenChat.Web.Tests.Infrastructure;

namespace OpenChat.Web.Tests.Telemetry;

[Trait("Category", TestCategories.Unit)]
public sealed class TelemetryModelTests
{
    [Fact]
    public void Properties_keep_insertion_order_replace_in_place_and_drop_nulls()
    {
        var p = new TelemetryProperties { { "a", 1 }, { "b", "two" }, { "c", true } };

        p["a"] = 10;
        p["b"] = (string?)null;
        p["d"] = (int?)null;

        Assert.Equal(["a", "c"], p.Select(kv => kv.Key));
        Assert.Equal(10, p["a"].AsInteger);
        Assert.True(p["b"].IsNull);
        Assert.False(p.ContainsKey("d"));
    }

    [Fact]
    public void Values_cover_the_json_kinds_and_non_finite_numbers_become_null()
    {
        Assert.Equal(TelemetryValueKind.Text, ((TelemetryValue)"x").Kind);
        Assert.Equal(TelemetryValueKind.Integer, ((TelemetryValue)5L).Kind);
        Assert.Equal(TelemetryValueKind.Number, ((TelemetryValue)1.5).Kind);
        Assert.Equal(TelemetryValueKind.Boolean, ((TelemetryValue)true).Kind);
        Assert.True(((TelemetryValue)double.NaN).IsNull);
        Assert.True(((TelemetryValue)double.PositiveInfinity).IsNull);
        var array = TelemetryValue.Array("a", TelemetryValue.Null, TelemetryValue.Array("nested"), 3);
        Assert.Equal(2, array.Items.Length);
    }

    [Fact]
    public void The_batch_json_has_exactly_the_wire_fields()
    {
        var e = new TelemetryEvent("$pageview", "anon_1", new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero)) { Uuid = Guid.Parse("01940000-0000-7000-8000-000000000001") }
            .With("$pathname", "/chat");
        var buffer = new ArrayBufferWriter<byte>();

        PostHogBatchWriter.WriteJson(buffer, "phc_x", [e], "1.2.3");

        Assert.Equal(
            """{"api_key":"phc_x","batch":[{"event":"$pageview","distinct_id":"anon_1","properties":{"$lib":"openchat-dotnet","$lib_version":"1.2.3","$geoip_disable":true,"$pathname":"/chat"},"timestamp":"2026-01-02T03:04:05Z","uuid":"01940000-0000-7000-8000-000000000001"}]}""",
            System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan));
        using var _ = JsonDocument.Parse(buffer.WrittenMemory);
    }

    [Fact]
    public void Uuids_are_version_7_with_the_event_time_and_unique()
    {
        var at = new DateTimeOffset(2026, 5, 6, 7, 8, 9, 123, TimeSpan.Zero);

        var uuids = Enumerable.Range(0, 10_000).Select(_ => PostHogClient.NewUuidV7(at)).ToList();

        Assert.All(uuids, u => Assert.Equal(7, u.Version));
        Assert.All(uuids, u => Assert.Equal(0b10, u.Variant >> 2));
        Assert.Equal(uuids.Count, uuids.Distinct().Count());
        var text = uuids[0].ToString("N");
        Assert.Equal(at.ToUnixTimeMilliseconds(), Convert.ToInt64(text[..12], 16));
        Assert.Equal(0, Convert.ToInt64(PostHogClient.NewUuidV7(DateTimeOffset.MinValue).ToString("N")[..12], 16));
    }

    [Fact]
    public void Long_strings_are_cut_without_splitting_a_surrogate_pair()
    {
        var text = new string('a', 511) + "😀" + "tail";

        var cut = PostHogBatchWriter.Cut(text);

        Assert.Equal(511, cut.Length);
    }

    [Theory]
    [InlineData("https://us.i.posthog.com", "https://us.i.posthog.com/batch/")]
    [InlineData("https://eu.i.posthog.com/", "https://eu.i.posthog.com/batch/")]
    [InlineData("https://analytics.example.com/ph", "https://analytics.example.com/ph/batch/")]
    [InlineData("http://127.0.0.1:5000/", "http://127.0.0.1:5000/batch/")]
    public void The_batch_endpoint_keeps_a_path_prefix(string host, string expected) =>
        Assert.Equal(expected, PostHogClient.BatchUri(new Uri(host)).ToString());

    [Fact]
    public void Disabled_client_ignores_everything()
    {
        var client = DisabledPostHogClient.Instance;

        client.Capture(new TelemetryEvent("x", "y"));

        Assert.False(client.IsEnabled);
        Assert.Equal(default, client.Counters);
        Assert.True(client.FlushAsync().IsCompletedSuccessfully);
    }
}
