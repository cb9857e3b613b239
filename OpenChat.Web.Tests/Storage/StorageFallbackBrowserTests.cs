using Microsoft.Playwright;
using OpenChat.Web.Storage.Fallback;
using OpenChat.Web.Tests.Infrastructure;

namespace OpenChat.Web.Tests.Storage;

/// <summary>The banner comes and goes in an open tab, without a reload, as Postgres goes away and comes back.</summary>
[Trait("Category", TestCategories.Browser)]
public sealed class StorageFallbackBrowserTests
{
    [Fact]
    public async Task The_banner_appears_when_Postgres_fails_and_goes_when_it_is_back_without_a_reload()
    {
        await using var pg = await TempPostgres.CreateAsync();
        var connectionString = await pg.CreateDatabaseAsync("banner");
        await using var llm = await FakeOpenRouter.StartAsync();
        using var app = new AppHost(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Postgres"] = connectionString,
            ["Storage:ProbeIntervalSeconds"] = "0.1",
            ["OpenRouter:BaseUrl"] = llm.BaseUrl.ToString(),
            ["OpenRouter:ApiKey"] = llm.ValidKey,
        }).Start();
        llm.EnqueueReply(FakeReply.Text("On Postgres."));
        llm.EnqueueReply(FakeReply.Text("On the spool."));

        await SharedBrowser.RunAsync(nameof(The_banner_appears_when_Postgres_fails_and_goes_when_it_is_back_without_a_reload), async page =>
        {
            await page.GotoAsync(new Uri(app.BaseAddress, "/chat").ToString());
            await SendAsync(page, "Before the outage");
            var replies = page.Locator("#thread article[data-role=assistant]");
            await Assertions.Expect(replies.Last).ToHaveAttributeAsync("data-status", "complete");
            await page.WaitForFunctionAsync("() => { const el = document.querySelector('[sse-connect]'); const src = el && el['htmx-internal-data'] && el['htmx-internal-data'].sseEventSource; return !!src && src.readyState === 1; }");
            var banner = page.Locator("#storage-banner");
            await Assertions.Expect(banner).ToBeHiddenAsync();

            await pg.StopAsync();
            await SendAsync(page, "During the outage");
            await Assertions.Expect(banner).ToBeVisibleAsync();
            await Assertions.Expect(banner).ToHaveTextAsync(StorageBanner.Text);
            await Assertions.Expect(replies.Last).ToContainTextAsync("On the spool.");
            await Assertions.Expect(replies.Last).ToHaveAttributeAsync("data-status", "complete");

            foreach (var (scheme, width) in new[] { ("light", 1280), ("dark", 1280), ("light", 390), ("dark", 390) })
            {
                await page.SetViewportSizeAsync(width, 800);
                await page.EmulateMediaAsync(new() { ColorScheme = scheme == "dark" ? ColorScheme.Dark : ColorScheme.Light });
                await page.EvaluateAsync("() => window.scrollTo({ top: 0, behavior: 'instant' })");
                await page.ScreenshotAsync(new() { Path = Path.Combine(TestPaths.TestResultsFolder("screenshots"), $"storage-banner-{scheme}-{width}.png") });
            }

            await pg.StartAsync();
            await Assertions.Expect(banner).ToBeHiddenAsync(new() { Timeout = 30_000 });
            await Assertions.Expect(page.Locator("#thread")).ToContainTextAsync("During the outage");
        });
    }

    private static async Task SendAsync(IPage page, string text)
    {
        await page.GetByLabel("Message", new() { Exact = true }).FillAsync(text);
        await page.Locator("#composer-action").GetByRole(AriaRole.Button, new() { Name = "Send" }).ClickAsync();
    }
}
