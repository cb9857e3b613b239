using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using OpenChat.Web.Tests.Chats;
using OpenChat.Web.Tests.Infrastructure;

namespace OpenChat.Web.Tests.Pages.Settings;

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

    [Fact]
    public async Task Sending_without_a_key_opens_the_key_dialog_which_keeps_focus_explains_refusals_and_saves()
    {
        await using var openRouter = await FakeOpenRouter.StartAsync();
        using var host = new AppHost(new Dictionary<string, string?> { ["OpenRouter:BaseUrl"] = openRouter.BaseUrl.ToString() }).Start();
        await SharedBrowser.RunAsync(nameof(Sending_without_a_key_opens_the_key_dialog_which_keeps_focus_explains_refusals_and_saves), async page =>
        {
            await page.GotoAsync(new Uri(host.BaseAddress, "/chat").ToString());
            await page.GetByRole(AriaRole.Textbox, new() { Name = "Message" }).FillAsync("Hello there");
            await page.GetByRole(AriaRole.Button, new() { Name = "Send" }).ClickAsync();

            var dialog = page.GetByRole(AriaRole.Dialog, new() { Name = "Add your OpenRouter API key" });
            await Assertions.Expect(dialog).ToBeVisibleAsync();
            await Assertions.Expect(page.Locator("#openrouter-key")).ToBeFocusedAsync();
            await page.Keyboard.PressAsync("Escape");
            await Assertions.Expect(dialog).ToBeVisibleAsync(); // no key yet: Escape does not dismiss it
            await SharedBrowser.ScreenshotAsync(page, "key-dialog");

            await page.Locator("#openrouter-key").FillAsync("sk-or-v1-wrong-key-for-sure");
            await page.GetByRole(AriaRole.Button, new() { Name = "Save key" }).ClickAsync();
            await Assertions.Expect(dialog.GetByRole(AriaRole.Alert)).ToContainTextAsync("That key was not accepted by OpenRouter");

            await page.Locator("#openrouter-key").FillAsync(openRouter.ValidKey);
            await page.GetByRole(AriaRole.Button, new() { Name = "Save key" }).ClickAsync();
            await Assertions.Expect(dialog).ToHaveCountAsync(0);
            await Assertions.Expect(page.Locator("#toasts")).ToContainTextAsync("Key saved");

            // The typed message is still there; now it sends, paid with the saved key.
            await Assertions.Expect(page.GetByRole(AriaRole.Textbox, new() { Name = "Message" })).ToHaveValueAsync("Hello there");
            await page.GetByRole(AriaRole.Button, new() { Name = "Send" }).ClickAsync();
            await Assertions.Expect(page.Locator("#thread article[data-role=assistant]")).ToHaveAttributeAsync("data-status", "complete");
            var request = await openRouter.WaitForRequestAsync(r => r.Body.Contains("Hello there", StringComparison.Ordinal), TimeSpan.FromSeconds(15));
            Assert.Equal($"Bearer {openRouter.ValidKey}", request.Authorization);
        });
    }
}
