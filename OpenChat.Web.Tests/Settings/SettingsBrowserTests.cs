using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using OpenChat.Web.Tests.Chats;
using OpenChat.Web.Tests.Infrastructure;

namespace OpenChat.Web.Tests.Settings;

[Trait("Category", TestCategories.Browser)]
public sealed class SettingsBrowserTests(ChatFixture fixture) : IClassFixture<ChatFixture>
{
    [Theory]
    [InlineData("light", 1280)]
    [InlineData("dark", 390)]
    public async Task Settings_has_no_serious_or_critical_accessibility_violations(string scheme, int width)
    {
        var name = $"settings-{scheme}-{width}";
        var options = new BrowserNewContextOptions
        {
            ViewportSize = new() { Width = width, Height = 900 },
            ColorScheme = scheme == "dark" ? ColorScheme.Dark : ColorScheme.Light,
        };
        await SharedBrowser.RunAsync(name, async page =>
        {
            await page.GotoAsync(new Uri(fixture.Host.BaseAddress, "/settings").ToString());
            await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Appearance" })).ToBeVisibleAsync();
            await SharedBrowser.ScreenshotAsync(page, name);

            await Accessibility.AssertNoSeriousViolationsAsync(page);
        }, options);
    }

    [Fact]
    public async Task Choosing_dark_and_an_accent_applies_at_once_and_is_there_on_the_next_page()
    {
        await SharedBrowser.RunAsync(nameof(Choosing_dark_and_an_accent_applies_at_once_and_is_there_on_the_next_page), async page =>
        {
            await page.GotoAsync(new Uri(fixture.Host.BaseAddress, "/settings").ToString());
            var seen = new List<string>();
            page.Response += (_, r) => seen.Add($"{r.Request.Method} {r.Url} {r.Status}");
            var saved = page.WaitForResponseAsync(r => r.Url.EndsWith("/settings/appearance", StringComparison.Ordinal) && r.Status == 204, new() { Timeout = 5000 });
            await page.GetByRole(AriaRole.Radio, new() { Name = "Dark" }).CheckAsync();
            try
            {
                await saved;
            }
            catch (TimeoutException)
            {
                throw new Xunit.Sdk.XunitException(string.Join("\n", seen));
            }

            await Assertions.Expect(page.Locator("html")).ToHaveAttributeAsync("data-theme", "dark");

            var savedAccent = page.WaitForResponseAsync(r => r.Url.EndsWith("/settings/appearance", StringComparison.Ordinal) && r.Status == 204);
            await page.GetByRole(AriaRole.Radio, new() { Name = "Green" }).CheckAsync();
            await savedAccent;
            await Assertions.Expect(page.Locator("html")).ToHaveAttributeAsync("data-brand-theme", "green");

            var response = await page.GotoAsync(new Uri(fixture.Host.BaseAddress, "/").ToString());
            var html = await response!.TextAsync();
            Assert.Contains("data-theme=\"dark\" data-brand-theme=\"green\"", html, StringComparison.Ordinal);
        });
    }
}
