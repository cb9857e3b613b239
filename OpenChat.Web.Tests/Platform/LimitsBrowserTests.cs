using System.Text.RegularExpressions;
using Microsoft.Playwright;
using OpenChat.Web.Tests.Infrastructure;

namespace OpenChat.Web.Tests.Platform;

/// <summary>
/// Limits as a person meets them in Chromium: the composer's counter near 32,000 characters (over it, Send waits), and
/// a send past the rate limit answered with a toast that says when to retry, the typed message kept.
/// </summary>
[Trait("Category", TestCategories.Browser)]
public sealed partial class LimitsBrowserTests
{
    [Theory]
    [InlineData("light", 1280)]
    [InlineData("dark", 1280)]
    [InlineData("light", 390)]
    [InlineData("dark", 390)]
    public async Task LimitsBrowser_counter_near_the_limit_and_a_toast_past_the_send_limit(string scheme, int width)
    {
        await using var llm = await FakeOpenRouter.StartAsync();
        using var app = new AppHost(new Dictionary<string, string?>
        {
            ["OpenRouter:BaseUrl"] = llm.BaseUrl.ToString(),
            ["OpenRouter:ApiKey"] = llm.ValidKey,
            ["RateLimits:Send:GuestPermitLimit"] = "1",
            ["RateLimits:Send:Burst"] = "1",
            ["RateLimits:Send:Window"] = "01:00:00",
        }).Start();
        var options = SharedBrowser.DefaultContextOptions();
        options.ViewportSize = new() { Width = width, Height = 800 };
        options.ColorScheme = scheme == "dark" ? ColorScheme.Dark : ColorScheme.Light;
        var name = $"limits-{scheme}-{width}";

        await SharedBrowser.RunAsync(name, async page =>
        {
            await page.GotoAsync(new Uri(app.BaseAddress, "chat").ToString());
            var box = page.GetByLabel("Message", new() { Exact = true });
            var counter = page.Locator("#composer .composer-count");
            var send = page.Locator("#composer-action").GetByRole(AriaRole.Button, new() { Name = "Send" });

            await box.FillAsync(new string('a', 29_999));
            await Assertions.Expect(counter).ToBeHiddenAsync();
            await box.FillAsync(new string('a', 31_250));
            await Assertions.Expect(counter).ToHaveTextAsync("31,250 / 32,000");
            await Assertions.Expect(counter).Not.ToHaveClassAsync(new Regex("is-over"));
            await Assertions.Expect(send).ToBeEnabledAsync();
            await SharedBrowser.ScreenshotAsync(page, name + "-counter");

            await box.FillAsync(new string('a', 32_001));
            await Assertions.Expect(counter).ToHaveTextAsync("32,001 / 32,000");
            await Assertions.Expect(counter).ToHaveClassAsync(new Regex("is-over"));
            await Assertions.Expect(send).ToBeDisabledAsync();
            await Assertions.Expect(box).ToHaveValueAsync(new Regex("^a{32001}$")); // nothing cut silently
            await SharedBrowser.ScreenshotAsync(page, name + "-counter-over");

            // The first message (an anonymous visitor, counted by address), the second (now a guest, its own bucket of 1)...
            await box.FillAsync("one");
            await Assertions.Expect(counter).ToBeHiddenAsync();
            await send.ClickAsync();
            await Assertions.Expect(page).ToHaveURLAsync(ThreadUrl());
            await Assertions.Expect(page.Locator("#thread article[data-role=assistant]")).ToHaveAttributeAsync("data-status", "complete");
            await box.FillAsync("two");
            await send.ClickAsync();
            await Assertions.Expect(page.Locator("#thread article[data-role=assistant]")).ToHaveCountAsync(2);
            await Assertions.Expect(page.Locator("#thread article[data-role=assistant]").Last).ToHaveAttributeAsync("data-status", "complete");

            // ...and the third is past the limit: a toast says when to retry, and the message stays in the composer.
            await box.FillAsync("three");
            await send.ClickAsync();
            var toast = page.Locator("#toasts .toast[role=alert]");
            await Assertions.Expect(toast).ToContainTextAsync(new Regex(@"^You're sending messages faster than OpenChat allows \(1 per hour\)\. Try again in \d+ (minutes|hour)\.$"));
            await Assertions.Expect(box).ToHaveValueAsync("three");
            await Assertions.Expect(page.Locator("#thread article[data-role=user]")).ToHaveCountAsync(2);
            await SharedBrowser.ScreenshotAsync(page, name + "-toast");

            await toast.GetByRole(AriaRole.Button, new() { Name = "Dismiss" }).ClickAsync();
            await Assertions.Expect(toast).ToHaveCountAsync(0);
        }, options);
    }

    private static Regex ThreadUrl() => ThreadUrlPattern();

    [GeneratedRegex(@"/chat/[0-9a-f-]{36}$")]
    private static partial Regex ThreadUrlPattern();
}
