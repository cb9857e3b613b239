using System.Text.Json;
using Microsoft.Playwright;
using OpenChat.Web.Tests.Infrastructure;

namespace OpenChat.Web.Tests.Pages;

/// <summary>
/// Hostile model output as a person sees it: links into the app shown as text next to a real external link, and a reply
/// too deep for Markdig shown as its plain text (live, then after a reload), without widening the page.
/// </summary>
[Trait("Category", TestCategories.Browser)]
public sealed class ModelOutputBrowserTests
{
    [Theory]
    [InlineData("light", 1440, 900)]
    [InlineData("dark", 1440, 900)]
    [InlineData("light", 390, 844)]
    [InlineData("dark", 390, 844)]
    public async Task Links_into_the_app_and_unrenderable_markdown_read_as_text(string scheme, int width, int height)
    {
        await using var llm = await FakeOpenRouter.StartAsync();
        using var app = new AppHost(new Dictionary<string, string?>
        {
            ["OpenRouter:BaseUrl"] = llm.BaseUrl.ToString(),
            ["OpenRouter:ApiKey"] = llm.ValidKey,
        }).Start();
        llm.EnqueueReply(FakeReply.Text(
            "Here are two links: [your account](/account?x=1:2) and [the docs](https://example.com/docs).\n\n",
            "And a protocol-relative one: [mirror](//evil.example/a:b)."));
        var deep = new string('[', 3_000);
        llm.EnqueueReply(FakeReply.Text("A reply Markdown cannot nest:\n\n", deep[..1_500], deep[1_500..], "\n\nStill readable *after* it."));
        var options = SharedBrowser.DefaultContextOptions();
        options.ViewportSize = new() { Width = width, Height = height };
        options.ColorScheme = scheme == "dark" ? ColorScheme.Dark : ColorScheme.Light;
        var name = $"model-output-{scheme}-{width}";
        var consoleErrors = new List<string>();

        await SharedBrowser.RunAsync(name, async page =>
        {
            page.Console += (_, message) =>
            {
                // Known and not about model output: the live snapshot deletes the turn's articles before adding them, and
                // htmx reports a delete whose target is not on the page yet (reported to the front-end branch).
                if (message.Type == "error" && !message.Text.StartsWith("htmx:oobErrorNoTarget", StringComparison.Ordinal))
                {
                    consoleErrors.Add(message.Text);
                }
            };
            await page.GotoAsync(new Uri(app.BaseAddress, "chat").ToString());
            await SendAsync(page, "Show me some links");
            var replies = page.Locator("#thread article[data-role=assistant]");
            await Assertions.Expect(replies.Nth(0)).ToHaveAttributeAsync("data-status", "complete", new() { Timeout = 15_000 });
            await Assertions.Expect(replies.Nth(0).Locator("a")).ToHaveCountAsync(1);
            await Assertions.Expect(replies.Nth(0).Locator("a")).ToHaveAttributeAsync("href", "https://example.com/docs");
            await Assertions.Expect(replies.Nth(0)).ToContainTextAsync("your account");

            await SendAsync(page, "Now nest deeply");
            await Assertions.Expect(replies.Nth(1)).ToHaveAttributeAsync("data-status", "complete", new() { Timeout = 15_000 });
            await Assertions.Expect(replies.Nth(1)).ToContainTextAsync("Still readable *after* it.");
            await SharedBrowser.ScreenshotAsync(page, name + "-live");

            await page.ReloadAsync();
            await Assertions.Expect(replies.Nth(1)).ToContainTextAsync("Still readable *after* it.");
            await SharedBrowser.ScreenshotAsync(page, name);
            var overflow = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - document.documentElement.clientWidth");
            Assert.True(overflow <= 0, $"The page is {overflow} px wider than the viewport at {width} px");
        }, options);

        Assert.Empty(consoleErrors);
        using var client = app.CreateHttpClient();
        using var ready = JsonDocument.Parse(await client.GetStringAsync(new Uri("/readyz", UriKind.Relative)));
        Assert.Equal(0, ready.RootElement.GetProperty("csp").GetProperty("data").GetProperty("violations").GetInt32());
    }

    private static async Task SendAsync(IPage page, string text)
    {
        await page.GetByLabel("Message", new() { Exact = true }).FillAsync(text);
        await page.Locator("#composer-action").GetByRole(AriaRole.Button, new() { Name = "Send" }).ClickAsync();
    }
}
