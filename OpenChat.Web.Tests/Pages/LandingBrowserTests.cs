using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using OpenChat.Web.Tests.Infrastructure;

namespace OpenChat.Web.Tests.Pages;

[Trait("Category", TestCategories.Browser)]
public sealed class LandingBrowserTests(FileBackedApp app) : IClassFixture<FileBackedApp>
{
    [Fact]
    public async Task Try_OpenChat_is_a_boosted_navigation_to_the_chat()
    {
        await SharedBrowser.RunAsync(nameof(Try_OpenChat_is_a_boosted_navigation_to_the_chat), async page =>
        {
            await page.GotoAsync(app.Host.BaseAddress.ToString());
            await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToBeVisibleAsync();
            await SharedBrowser.ScreenshotAsync(page, "landing-desktop");

            // A value on window survives a boosted (htmx) navigation and is lost on a full page load.
            await page.EvaluateAsync("() => { window.__openchatProbe = 'still here'; }");
            var boosted = page.WaitForRequestAsync(r => r.Url.EndsWith("/chat", StringComparison.Ordinal) && r.Headers.ContainsKey("hx-boosted"));
            await page.GetByRole(AriaRole.Link, new() { Name = "Try OpenChat" }).First.ClickAsync();
            await boosted;

            await Assertions.Expect(page).ToHaveURLAsync(new Uri(app.Host.BaseAddress, "/chat").ToString());
            await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "How can OpenChat help today?" })).ToBeVisibleAsync();
            Assert.Equal("still here", await page.EvaluateAsync<string>("() => window.__openchatProbe"));
            await SharedBrowser.ScreenshotAsync(page, "chat-placeholder-desktop");
        });
    }

    [Fact]
    public async Task Request_a_demo_scrolls_to_a_working_demo_section()
    {
        await SharedBrowser.RunAsync(nameof(Request_a_demo_scrolls_to_a_working_demo_section), async page =>
        {
            await page.GotoAsync(app.Host.BaseAddress.ToString());
            await page.GetByRole(AriaRole.Link, new() { Name = "Request a demo" }).First.ClickAsync();

            var demo = page.Locator("#demo");
            await Assertions.Expect(demo).ToBeInViewportAsync();
            await Assertions.Expect(demo.Locator("a[href^='mailto:'], form").First).ToBeVisibleAsync();
        });
    }

    [Theory]
    [InlineData("/", "light", 1280)]
    [InlineData("/", "dark", 390)]
    [InlineData("/chat", "light", 390)]
    [InlineData("/chat", "dark", 1280)]
    [InlineData("/privacy", "light", 1280)]
    public async Task Pages_have_no_serious_or_critical_accessibility_violations(string path, string scheme, int width)
    {
        var name = $"axe{path.Replace('/', '-')}-{scheme}-{width}";
        var options = new BrowserNewContextOptions
        {
            ViewportSize = new() { Width = width, Height = 900 },
            ColorScheme = scheme == "dark" ? ColorScheme.Dark : ColorScheme.Light,
        };
        await SharedBrowser.RunAsync(name, async page =>
        {
            await page.GotoAsync(new Uri(app.Host.BaseAddress, path).ToString());
            await SharedBrowser.ScreenshotAsync(page, name);

            await Accessibility.AssertNoSeriousViolationsAsync(page);
        }, options);
    }
}
