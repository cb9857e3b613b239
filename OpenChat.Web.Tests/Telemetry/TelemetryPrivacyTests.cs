using System.Net;
using AngleSharp.Html.Parser;
using OpenChat.Web.Tests.Chats;
using OpenChat.Web.Tests.Infrastructure;

namespace OpenChat.Web.Tests.Telemetry;

/// <summary>
/// DNT, GPC and "Share anonymous usage data" off: nothing leaves for that visitor, from the server or through <c>/e</c>, and the page tells
/// the snippet it is off. Without a key nothing is sent at all. "Nothing arrived" is proven by a later event of another visitor arriving:
/// the client sends in capture order.
/// </summary>
[Trait("Category", TestCategories.Integration)]
public sealed class TelemetryPrivacyTests
{
    private static readonly object[] ClientEvents =
    [
        new { @event = "ui.theme_toggled", properties = new { ui_theme = "dark" } },
        new { @event = "marketing.cta_clicked", properties = new { cta_id = "hero_try_openchat" } },
    ];

    [Theory]
    [InlineData("DNT")]
    [InlineData("Sec-GPC")]
    public async Task A_browser_privacy_signal_means_nothing_is_sent_for_that_visitor(string header)
    {
        await using var t = await TelemetryHarness.StartAsync();
        using var visitor = new GuestSession(t.Host);
        visitor.Client.DefaultRequestHeaders.Add(header, "1");

        await DriveAsync(t, visitor, expectOn: false);

        Assert.DoesNotContain(visitor.Cookies.GetAllCookies(), c => c.Name == "oc_aid");
        var controlId = await ControlVisitorAsync(t);
        Assert.All(t.PostHog.Events, e => Assert.Equal(controlId, e.DistinctId));
    }

    [Fact]
    public async Task Turning_off_share_usage_data_stops_everything_for_that_owner()
    {
        await using var t = await TelemetryHarness.StartAsync();
        using var visitor = new GuestSession(t.Host);
        await t.StartChatAndWaitAsync(visitor, "before opting out");
        var ownerId = (await t.WaitForAsync("chat.created")).DistinctId;

        using (var optOut = await visitor.PostAsync("/settings/privacy", new Dictionary<string, string> { ["shareUsageData"] = "false" }, currentUrl: "/settings"))
        {
            Assert.True(optOut.IsSuccessStatusCode);
        }

        var optedOutAt = DateTimeOffset.UtcNow; // events captured before this (e.g. the token's page view) may still be on their way
        await DriveAsync(t, visitor, expectOn: false);

        var controlId = await ControlVisitorAsync(t, ownerId);
        var after = t.PostHog.Events.Where(e => DateTimeOffset.Parse(e.Timestamp!, System.Globalization.CultureInfo.InvariantCulture) > optedOutAt).ToList();
        Assert.DoesNotContain(after, e => e.DistinctId == ownerId);
        Assert.DoesNotContain(t.PostHog.Events, e => e.Event == "settings.changed"); // turning it off is not recorded either
        Assert.Contains(after, e => e.DistinctId == controlId);

        // And back on: events flow again.
        using (var optIn = await visitor.PostAsync("/settings/privacy", new Dictionary<string, string> { ["shareUsageData"] = "true" }, currentUrl: "/settings"))
        {
            Assert.True(optIn.IsSuccessStatusCode, $"opt-in answered {(int)optIn.StatusCode}: {await optIn.Content.ReadAsStringAsync()}");
            Assert.Contains("Thanks", await optIn.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            Assert.Equal("on", await MetaAsync(visitor, "/"));
        }

        var on = await t.WaitForAsync("settings.changed");
        Assert.Equal(ownerId, on.DistinctId);
    }

    [Fact]
    public async Task Without_an_api_key_nothing_is_sent_and_the_page_says_telemetry_is_off()
    {
        await using var t = await TelemetryHarness.StartAsync(apiKey: "");
        using var visitor = new GuestSession(t.Host);

        await DriveAsync(t, visitor, expectOn: false);

        Assert.DoesNotContain(visitor.Cookies.GetAllCookies(), c => c.Name == "oc_aid");
        t.Host.Dispose(); // the shutdown flush would send anything queued
        Assert.Equal(0, t.PostHog.RequestCount);
    }

    [Fact]
    public async Task With_telemetry_on_the_page_says_so()
    {
        await using var t = await TelemetryHarness.StartAsync();
        using var visitor = new GuestSession(t.Host);
        Assert.Equal("on", await MetaAsync(visitor, "/"));
        await t.WaitForAsync("$pageview");
    }

    /// <summary>Pages, a chat with a finished reply, and browser events; every page says telemetry is off.</summary>
    private static async Task DriveAsync(TelemetryHarness t, GuestSession visitor, bool expectOn)
    {
        var expected = expectOn ? "on" : "off";
        Assert.Equal(expected, await MetaAsync(visitor, "/"));
        Assert.Equal(expected, await MetaAsync(visitor, "/chat"));
        var chatId = await visitor.StartChatAsync("a private question");
        await ChatPagesTests.WaitUntilIdleAsync(visitor, chatId);
        Assert.Equal(expected, await MetaAsync(visitor, $"/chat/{chatId:D}"));
        using (var ingest = await TelemetryHarness.PostClientEventsAsync(visitor, ClientEvents))
        {
            Assert.Equal(HttpStatusCode.NoContent, ingest.StatusCode);
        }
    }

    private static async Task<string?> MetaAsync(GuestSession visitor, string path)
    {
        using var response = await visitor.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var document = new HtmlParser().ParseDocument(await response.Content.ReadAsStringAsync());
        return document.QuerySelector("meta[name='oc-telemetry']")?.GetAttribute("content");
    }

    /// <summary>Another visitor's page view and browser event; returns once they arrived, with that visitor's id.</summary>
    private static async Task<string> ControlVisitorAsync(TelemetryHarness t, string? otherId = null)
    {
        using var control = new GuestSession(t.Host);
        using (await control.GetAsync("/"))
        {
        }

        using (await TelemetryHarness.PostClientEventsAsync(control, ClientEvents))
        {
        }

        var id = (await t.WaitForAsync("$pageview", e => e.DistinctId != otherId)).DistinctId;
        await t.WaitForAsync("marketing.cta_clicked", e => e.DistinctId == id);
        return id;
    }
}

/// <summary>The privacy form as the page renders it (fields in document order): the switch's "true" when checked, then a hidden "false".</summary>
[Trait("Category", TestCategories.Integration)]
public sealed class TelemetryPrivacyFormTests
{
    [Fact]
    public async Task The_privacy_switch_form_turns_sharing_off_and_back_on()
    {
        await using var t = await TelemetryHarness.StartAsync();
        using var visitor = new GuestSession(t.Host);
        await t.StartChatAndWaitAsync(visitor, "hello");
        var form = await visitor.GetDocumentAsync("/settings");
        var names = form.QuerySelectorAll("#privacy form input[name=shareUsageData]").Select(i => i.GetAttribute("type")).ToList();
        Assert.Equal(["checkbox", "hidden"], names);

        Assert.False(await PostFormAsync(visitor, [new("shareUsageData", "false")]));
        Assert.True(await PostFormAsync(visitor, [new("shareUsageData", "true"), new("shareUsageData", "false")]));
        Assert.Equal("true", (await t.WaitForAsync("settings.changed")).Property("value"));
    }

    /// <returns>Whether the switch is rendered checked afterwards.</returns>
    private static async Task<bool> PostFormAsync(GuestSession visitor, KeyValuePair<string, string>[] fields)
    {
        var token = await visitor.GetTokenAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/settings/privacy") { Content = new FormUrlEncodedContent(fields) };
        request.Headers.Add("RequestVerificationToken", token);
        request.Headers.Add("HX-Request", "true");
        using var response = await visitor.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        var document = new HtmlParser().ParseDocument("<body>" + html + "</body>");
        return document.QuerySelector("input[type=checkbox][name=shareUsageData]")!.HasAttribute("checked");
    }
}
