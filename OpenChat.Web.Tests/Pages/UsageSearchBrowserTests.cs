using System.Text;
using Microsoft.Playwright;
using OpenChat.Web.Tests.Chats;
using OpenChat.Web.Tests.Infrastructure;

namespace OpenChat.Web.Tests.Pages;

/// <summary>
/// In a real browser: import a chat from Settings, its usage total in the thread header, the sidebar search as you
/// type (results replace the list, a result opens the old message), the 30-day chart in Settings.
/// </summary>
[Trait("Category", TestCategories.Browser)]
public sealed class UsageSearchBrowserTests(PostgresChatApp app, Xunit.Abstractions.ITestOutputHelper output) : IClassFixture<PostgresChatApp>
{
    private static string History()
    {
        var today = DateTimeOffset.UtcNow.UtcDateTime.Date;
        var turns = new List<ExportDocument.Turn>();
        int[] daysAgo = [27, 21, 20, 14, 9, 8, 6, 3, 1, 0];
        var index = 0;
        foreach (var day in daysAgo)
        {
            var at = new DateTimeOffset(today.AddDays(-day), TimeSpan.Zero).AddHours(day == 0 ? 0 : 10);
            for (var i = 0; i < 8; i++, index++)
            {
                var text = index == 5 ? "Did you know the quetzalcoatl was a feathered serpent?" : $"Message {index}: planning the garden, the soil and the seeds.";
                turns.Add(new("user", text, at.AddMinutes(i * 2)));
                turns.Add(new("assistant", $"Reply {index}: water the **seeds** daily.", at.AddMinutes((i * 2) + 1), 900 + (index * 37), 250 + index, 0.0004m * (1 + (index % 7))));
            }
        }

        return ExportDocument.Of("Garden planning", "openai/gpt-4o-mini", turns);
    }

    [Theory]
    [InlineData("light", 1280)]
    [InlineData("dark", 1280)]
    [InlineData("light", 390)]
    [InlineData("dark", 390)]
    public async Task Import_then_totals_search_and_the_usage_chart(string scheme, int width)
    {
        var options = SharedBrowser.DefaultContextOptions();
        options.ViewportSize = new() { Width = width, Height = 900 };
        options.ColorScheme = scheme == "dark" ? ColorScheme.Dark : ColorScheme.Light;
        var suffix = $"{scheme}-{width}";

        try
        {
            await RunAsync(options, suffix);
        }
        catch
        {
            foreach (var line in app.Host.LogLines.Where(l => l.Contains("fail", StringComparison.OrdinalIgnoreCase) || l.Contains("exception", StringComparison.OrdinalIgnoreCase)).TakeLast(20))
            {
                output.WriteLine(line);
            }

            throw;
        }
    }

    private async Task RunAsync(BrowserNewContextOptions options, string suffix)
    {
        var width = options.ViewportSize!.Width;
        await SharedBrowser.RunAsync($"usage-search-{suffix}", async page =>
        {
            await page.GotoAsync(new Uri(app.Host.BaseAddress, "/settings").ToString());
            await page.Locator("#import-file").SetInputFilesAsync(new FilePayload { Name = "garden.json", MimeType = "application/json", Buffer = Encoding.UTF8.GetBytes(History()) });
            await page.GetByRole(AriaRole.Button, new() { Name = "Import", Exact = true }).ClickAsync();

            // The imported chat opens, with its total in the header.
            await Assertions.Expect(page.Locator("#thread-title")).ToHaveTextAsync("Garden planning");
            await Assertions.Expect(page.Locator("#chat-usage")).ToContainTextAsync(" in · ");
            await Assertions.Expect(page.Locator("#chat-usage")).ToContainTextAsync("$");
            await page.EvaluateAsync("() => window.scrollTo({ top: 0, behavior: 'instant' })");
            await page.ScreenshotAsync(new() { Path = Path.Combine(TestPaths.TestResultsFolder("screenshots"), $"usage-thread-header-{suffix}.png") });
            await Accessibility.AssertNoSeriousViolationsAsync(page);

            // Search as you type from the sidebar (a popover on a phone).
            if (width < 768)
            {
                await page.GetByRole(AriaRole.Button, new() { Name = "Open sidebar" }).ClickAsync();
            }

            await page.Locator("#chat-search").PressSequentiallyAsync("quetz");
            var result = page.Locator("#chat-search-results a.search-link");
            await Assertions.Expect(result).ToHaveCountAsync(1);
            await Assertions.Expect(result.Locator("mark")).ToHaveTextAsync("quetzalcoatl");
            await Assertions.Expect(page.Locator("#chat-list")).ToBeHiddenAsync();
            await page.ScreenshotAsync(new() { Path = Path.Combine(TestPaths.TestResultsFolder("screenshots"), $"search-results-{suffix}.png") });
            await Accessibility.AssertNoSeriousViolationsAsync(page);

            // Clearing the box brings the list back; a result opens the old message on its page.
            await page.Locator("#chat-search").FillAsync(string.Empty);
            await Assertions.Expect(page.Locator("#chat-list")).ToBeVisibleAsync();
            await page.Locator("#chat-search").PressSequentiallyAsync("quetzalcoatl");
            await result.ClickAsync();
            await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("around="));
            await Assertions.Expect(page.Locator("article:target")).ToContainTextAsync("feathered serpent");

            // Settings: one bar per day with usage.
            await page.GotoAsync(new Uri(app.Host.BaseAddress, "/settings").ToString());
            await Assertions.Expect(page.Locator("#usage svg.usage-chart rect.usage-bar")).ToHaveCountAsync(DaysWithUsage);
            await page.Locator("#usage").ScrollIntoViewIfNeededAsync();
            await page.Locator("#usage").ScreenshotAsync(new() { Path = Path.Combine(TestPaths.TestResultsFolder("screenshots"), $"settings-usage-{suffix}.png") });
            await Accessibility.AssertNoSeriousViolationsAsync(page);
        }, options);
    }

    private const int DaysWithUsage = 10;
}
