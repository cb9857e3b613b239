using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using OpenChat.Web.Tests.Chats;
using OpenChat.Web.Tests.Infrastructure;

namespace OpenChat.Web.Tests.OpenRouter;

[Trait("Category", TestCategories.Browser)]
public sealed class ModelPickerBrowserTests(ChatFixture fixture) : IClassFixture<ChatFixture>
{
    private const string Llama = "meta-llama/llama-3.3-70b-instruct";

    [Fact]
    public async Task Open_filter_choose_with_the_keyboard_and_send_with_that_model()
    {
        await SharedBrowser.RunAsync(nameof(Open_filter_choose_with_the_keyboard_and_send_with_that_model), async page =>
        {
            await page.GotoAsync(new Uri(fixture.Host.BaseAddress, "/chat").ToString());
            var button = page.Locator("#model-button");
            await Assertions.Expect(button).ToContainTextAsync("GPT-4o-mini");

            await button.ClickAsync();
            var dialog = page.GetByRole(AriaRole.Dialog, new() { Name = "Choose a model" });
            await Assertions.Expect(dialog).ToBeVisibleAsync();
            var search = dialog.GetByRole(AriaRole.Combobox, new() { Name = "Search models" });
            await Assertions.Expect(search).ToBeFocusedAsync();
            await Assertions.Expect(dialog.GetByRole(AriaRole.Option)).ToHaveCountAsync(3);
            // The current model is the active option when the picker opens.
            await Assertions.Expect(search).ToHaveAttributeAsync("aria-activedescendant", await dialog.Locator("[role=option][aria-selected=true]").GetAttributeAsync("id") ?? "");

            await search.PressSequentiallyAsync("lla");
            await Assertions.Expect(dialog.GetByRole(AriaRole.Option)).ToHaveCountAsync(1);
            await Assertions.Expect(dialog.Locator("#model-count")).ToHaveTextAsync("1 model matches");
            await search.FillAsync("");
            await Assertions.Expect(dialog.GetByRole(AriaRole.Option)).ToHaveCountAsync(3);

            // Groups: Google, Meta, OpenAI. From the first option, one down is Llama.
            await search.PressAsync("ArrowDown");
            await search.PressAsync("ArrowUp");
            await search.PressAsync("ArrowUp");
            await search.PressAsync("ArrowDown");
            var llama = dialog.Locator($"[role=option][value='{Llama}']");
            await Assertions.Expect(search).ToHaveAttributeAsync("aria-activedescendant", await llama.GetAttributeAsync("id") ?? "");
            await Assertions.Expect(llama).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("is-active"));
            await search.PressAsync("Enter");

            // The first choice made this visitor a guest: the page loads again (with a fresh antiforgery token).
            await Assertions.Expect(dialog).ToHaveCountAsync(0);
            await Assertions.Expect(button).ToContainTextAsync("Llama 3.3 70B Instruct");

            // Escape closes without choosing.
            await button.ClickAsync();
            await Assertions.Expect(dialog).ToBeVisibleAsync();
            await dialog.GetByRole(AriaRole.Combobox).FillAsync("gemma");
            await Assertions.Expect(dialog.GetByRole(AriaRole.Option)).ToHaveCountAsync(1);
            await page.Keyboard.PressAsync("Escape");
            await Assertions.Expect(dialog).ToHaveCountAsync(0);
            await Assertions.Expect(button).ToContainTextAsync("Llama 3.3 70B Instruct");

            // Filtering makes the first match active: Enter takes it, and focus comes back to the button.
            await button.ClickAsync();
            await dialog.GetByRole(AriaRole.Combobox).PressSequentiallyAsync("meta 70b");
            await Assertions.Expect(dialog.GetByRole(AriaRole.Option)).ToHaveCountAsync(1);
            await Assertions.Expect(dialog.GetByRole(AriaRole.Option)).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("is-active"));
            await page.Keyboard.PressAsync("Enter");
            await Assertions.Expect(dialog).ToHaveCountAsync(0);
            await Assertions.Expect(button).ToContainTextAsync("Llama 3.3 70B Instruct");
            await Assertions.Expect(button).ToBeFocusedAsync();

            var text = "Which model answers? " + Guid.NewGuid().ToString("N")[..8];
            await page.GetByRole(AriaRole.Textbox, new() { Name = "Message" }).FillAsync(text);
            await page.GetByRole(AriaRole.Button, new() { Name = "Send" }).ClickAsync();
            var request = await fixture.OpenRouter.WaitForRequestAsync(r => r.Body.Contains(text, StringComparison.Ordinal), TimeSpan.FromSeconds(15));
            Assert.Equal(Llama, request.Model);
            await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/chat/[0-9a-f-]{36}$"));
            await Assertions.Expect(page.Locator("#model-button")).ToContainTextAsync("Llama 3.3 70B Instruct");
        });
    }

    [Theory]
    [InlineData("light", 1280)]
    [InlineData("dark", 1280)]
    [InlineData("light", 390)]
    [InlineData("dark", 390)]
    public async Task The_open_picker_has_no_serious_accessibility_violations(string scheme, int width)
    {
        var name = $"model-picker-{scheme}-{width}";
        var options = new BrowserNewContextOptions
        {
            ViewportSize = new() { Width = width, Height = width > 600 ? 860 : 844 },
            ColorScheme = scheme == "dark" ? ColorScheme.Dark : ColorScheme.Light,
        };
        await SharedBrowser.RunAsync(name, async page =>
        {
            await page.GotoAsync(new Uri(fixture.Host.BaseAddress, "/chat").ToString());
            await page.Locator("#model-button").ClickAsync();
            var dialog = page.GetByRole(AriaRole.Dialog, new() { Name = "Choose a model" });
            await Assertions.Expect(dialog.GetByRole(AriaRole.Option)).ToHaveCountAsync(3);
            await dialog.GetByRole(AriaRole.Combobox).PressAsync("ArrowDown");
            await page.WaitForTimeoutAsync(300); // the opening animation
            await SharedBrowser.ScreenshotAsync(page, name);

            await Accessibility.AssertNoSeriousViolationsAsync(page);
        }, options);
    }
}
