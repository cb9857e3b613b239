using System.Net;
using System.Text;
using OpenChat.Web.Tests.Chats;
using OpenChat.Web.Tests.Infrastructure;

namespace OpenChat.Web.Tests.Telemetry;

/// <summary><c>POST /e</c>: same-origin only, catalogue browser events and their listed properties only, at most 20 events and 8 KB.</summary>
[Trait("Category", TestCategories.Integration)]
public sealed class ClientEventIngestTests
{
    private static readonly object[] OneEvent = [new { @event = "ui.theme_toggled", properties = new { ui_theme = "dark" } }];

    [Theory]
    [InlineData("cross-site", null)]
    [InlineData("same-site", null)]
    [InlineData("", "https://evil.example")]
    [InlineData("", null)]
    public async Task Posts_that_are_not_same_origin_are_refused(string site, string? origin)
    {
        await using var t = await TelemetryHarness.StartAsync();
        using var visitor = new GuestSession(t.Host);

        using var response = await TelemetryHarness.PostClientEventsAsync(visitor, OneEvent, site, origin);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        t.Host.Dispose();
        Assert.DoesNotContain(t.PostHog.Events, e => e.Event == "ui.theme_toggled");
    }

    [Fact]
    public async Task More_than_60_posts_a_minute_from_one_client_are_refused_with_retry_after_and_counted_as_a_rate_limit()
    {
        await using var t = await TelemetryHarness.StartAsync();
        using var visitor = new GuestSession(t.Host);

        for (var i = 0; i < 60; i++)
        {
            using var accepted = await TelemetryHarness.PostClientEventsAsync(visitor, OneEvent);
            Assert.Equal(HttpStatusCode.NoContent, accepted.StatusCode);
        }

        using var refused = await TelemetryHarness.PostClientEventsAsync(visitor, OneEvent);

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        // What is left of the fixed one-minute window.
        Assert.InRange(int.Parse(refused.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture), 1, 60);
        var limited = await t.WaitForAsync("chat.rate_limited", e => e.Property("policy") == "ingest");
        Assert.Equal("60/60000", limited.Property("rate_limit_bucket"));
    }

    [Fact]
    public async Task A_same_origin_post_by_origin_header_is_accepted()
    {
        await using var t = await TelemetryHarness.StartAsync();
        using var visitor = new GuestSession(t.Host);

        using var response = await TelemetryHarness.PostClientEventsAsync(visitor, OneEvent, site: "", origin: t.Host.BaseAddress.GetLeftPart(UriPartial.Authority));

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal("openchat-web", (await t.WaitForAsync("ui.theme_toggled")).Property("app"));
    }

    [Fact]
    public async Task Unknown_events_and_unlisted_properties_are_dropped_and_the_distinct_id_comes_from_the_cookie()
    {
        await using var t = await TelemetryHarness.StartAsync();
        using var visitor = new GuestSession(t.Host);

        using var response = await TelemetryHarness.PostClientEventsAsync(visitor, new object[]
        {
            new { @event = "evil.event", properties = new { cta_id = "x" } },
            new { @event = "$pageview", properties = new { page = "forged" } },
            new { @event = "chat_message_submitted", properties = new { chat_id = "forged" } },
            new { @event = "marketing.cta_clicked", distinct_id = "forged-id", properties = new { cta_id = "hero_try_openchat", email = "a@b.example", app = "forged", auth_state = "member", nested = new { a = 1 } } },
            new { @event = "chat.copy_clicked", properties = new { target = "code" } },
        });

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        await t.WaitForAsync("chat.copy_clicked");
        var cta = await t.WaitForAsync("marketing.cta_clicked");
        Assert.Equal("hero_try_openchat", cta.Property("cta_id"));
        Assert.False(cta.HasProperty("email"));
        Assert.False(cta.HasProperty("nested"));
        Assert.Equal("openchat-web", cta.Property("app"));
        Assert.Equal("anonymous", cta.Property("auth_state"));
        Assert.NotEqual("forged-id", cta.DistinctId);
        Assert.Equal(["marketing.cta_clicked", "chat.copy_clicked"], t.PostHog.Events.Select(e => e.Event));
        Assert.All(t.PostHog.Events, e => TelemetryHarness.AssertWellFormed(e));
    }

    [Fact]
    public async Task More_than_20_events_or_8_KB_are_refused_with_a_clear_4xx()
    {
        await using var t = await TelemetryHarness.StartAsync();
        using var visitor = new GuestSession(t.Host);

        using var tooMany = await TelemetryHarness.PostClientEventsAsync(visitor, Enumerable.Repeat(OneEvent[0], 21).ToArray());
        Assert.Equal(HttpStatusCode.BadRequest, tooMany.StatusCode);
        Assert.Contains("20 events", await tooMany.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // With Content-Length (as sendBeacon and fetch send it).
        using var bigRequest = new HttpRequestMessage(HttpMethod.Post, "/e")
        {
            Content = new StringContent("[{\"event\":\"marketing.cta_clicked\",\"properties\":{\"cta_id\":\"" + new string('x', 9000) + "\"}}]", Encoding.UTF8, "application/json"),
        };
        bigRequest.Headers.Add("Sec-Fetch-Site", "same-origin");
        using var tooBig = await visitor.Client.SendAsync(bigRequest);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooBig.StatusCode);
        Assert.Contains("8192 bytes", await tooBig.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // Chunked (no Content-Length): still cut off at 8 KB.
        using (var chunked = new HttpRequestMessage(HttpMethod.Post, "/e"))
        {
            chunked.Headers.Add("Sec-Fetch-Site", "same-origin");
            chunked.Headers.TransferEncodingChunked = true;
            chunked.Content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes("[" + new string(' ', 9000) + "]")));
            using var refused = await visitor.Client.SendAsync(chunked);
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, refused.StatusCode);
            Assert.Contains("8192 bytes", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        using var exactly20 = await TelemetryHarness.PostClientEventsAsync(visitor, Enumerable.Repeat(OneEvent[0], 20).ToArray());
        Assert.Equal(HttpStatusCode.NoContent, exactly20.StatusCode);
        await t.PostHog.WaitForEventAsync(_ => t.PostHog.Events.Count(e => e.Event == "ui.theme_toggled") == 20, TelemetryHarness.Wait);
        using var notJson = new HttpRequestMessage(HttpMethod.Post, "/e") { Content = new StringContent("{not json", Encoding.UTF8, "application/json") };
        notJson.Headers.Add("Sec-Fetch-Site", "same-origin");
        using var bad = await visitor.Client.SendAsync(notJson);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
    }
}
