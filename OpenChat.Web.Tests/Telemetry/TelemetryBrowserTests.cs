using System.Text.RegularExpressions;
using Microsoft.Playwright;
using OpenChat.Web.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace OpenChat.Web.Tests.Telemetry;

/// <summary>A real Chromium: the snippet's events and the server's arrive at PostHog, all about the same person.</summary>
[Trait("Category", TestCategories.Browser)]
public sealed partial class TelemetryBrowserTests
{
    [Fact]
    public async Task Landing_cta_send_stop_and_theme_toggle_arrive_from_browser_and_server_with_one_distinct_id()
    {
        await using var t = await TelemetryHarness.StartAsync();
        var midGate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        t.OpenRouter.EnqueueReply(FakeReply.Text("Part one. ", "Never sent.") with { MidGate = midGate, PauseAfterChunks = 1 });
        try
        {
            await SharedBrowser.RunAsync(nameof(Landing_cta_send_stop_and_theme_toggle_arrive_from_browser_and_server_with_one_distinct_id), async page =>
            {
                await page.GotoAsync(t.Host.BaseAddress.ToString());
                await Expect(page.Locator("meta[name='oc-telemetry']")).ToHaveAttributeAsync("content", "on");
                await page.Locator(".hero-actions").GetByRole(AriaRole.Link, new() { Name = "Try OpenChat" }).ClickAsync();
                await Expect(page).ToHaveURLAsync(new Regex("/chat$"));

                await page.GetByLabel("Message", new() { Exact = true }).FillAsync("Talk until I stop you");
                await page.Locator("#composer-action").GetByRole(AriaRole.Button, new() { Name = "Send" }).ClickAsync();
                await Expect(page).ToHaveURLAsync(ThreadUrl());
                var reply = page.Locator("#thread article[data-role=assistant]");
                await Expect(reply.Locator(".tail")).ToHaveTextAsync("Part one.");
                await page.RunAndWaitForResponseAsync(
                    () => page.Locator("#composer-action button[data-stop]").ClickAsync(),
                    r => r.Url.EndsWith("/stop", StringComparison.Ordinal) && r.Request.Method == "POST");
                await Expect(reply).ToHaveAttributeAsync("data-status", "stopped");

                await page.Locator("[data-theme-toggle]").ClickAsync();
                await t.WaitForAsync("ui.theme_toggled");
            });
        }
        finally
        {
            midGate.TrySetResult();
        }

        var cta = await t.WaitForAsync("marketing.cta_clicked");
        var id = cta.DistinctId;
        Assert.Equal("hero_try_openchat", cta.Property("cta_id"));
        Assert.Equal("hero", cta.Property("section"));
        Assert.Matches("^(xs|sm|md|lg|xl)$", cta.Property("screen_width_bucket"));
        Assert.Equal("Try OpenChat", cta.Property("cta_copy"));

        var connected = await t.WaitForAsync("sync.connection_state", e => e.Property("state") == "connected");
        var stopped = await t.WaitForAsync("chat.stream_stopped");
        var toggled = await t.WaitForAsync("ui.theme_toggled");
        Assert.Matches("^(light|dark)$", toggled.Property("ui_theme"));
        var landing = await t.WaitForAsync("$pageview", e => e.Property("page") == "index");
        var created = await t.WaitForAsync("chat.created");
        var submitted = await t.WaitForAsync("chat_message_submitted");
        var stream = await t.WaitForAsync("chat_message_stream");
        var generation = await t.WaitForAsync("$ai_generation");
        Assert.Equal("stopped", stream.Property("status"));
        Assert.Equal(created.Property("chat_id"), stopped.Property("chat_id"));
        Assert.True(long.Parse(stopped.Property("elapsed_ms") ?? "-1", System.Globalization.CultureInfo.InvariantCulture) >= 0, "elapsed_ms: " + stopped.Properties);

        Assert.Equal("openchat-server", stopped.Property("app"));
        foreach (var browser in new[] { cta, connected, toggled })
        {
            Assert.Equal("openchat-web", browser.Property("app"));
        }

        foreach (var e in new[] { cta, connected, stopped, toggled, landing, created, submitted, stream, generation })
        {
            Assert.True(id == e.DistinctId, $"{e.Event} has distinct id {e.DistinctId}, the CTA click {id}");
            TelemetryHarness.AssertWellFormed(e);
        }

        Assert.All(t.PostHog.Events, e => Assert.Equal(id, e.DistinctId));
        Assert.All(t.PostHog.Batches, b => Assert.DoesNotContain("Talk until I stop you", b.Json, StringComparison.Ordinal));
    }

    [GeneratedRegex("/chat/[0-9a-f-]{36}$")]
    private static partial Regex ThreadUrl();
}
