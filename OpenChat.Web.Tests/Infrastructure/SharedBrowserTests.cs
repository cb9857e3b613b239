using Microsoft.Playwright;

namespace OpenChat.Web.Tests.Infrastructure;

[Trait("Category", TestCategories.Browser)]
public sealed class SharedBrowserTests : IClassFixture<SharedBrowserTests.Host>
{
    private readonly Host _host;

    public SharedBrowserTests(Host host) => _host = host;

    public sealed class Host : IDisposable
    {
        public AppHost App { get; } = new AppHost().Start();

        public void Dispose() => App.Dispose();
    }

    [Fact]
    public async Task Opens_the_app_and_finds_the_heading()
    {
        string? screenshot = null;
        await SharedBrowser.RunAsync(nameof(Opens_the_app_and_finds_the_heading), async page =>
        {
            var response = await page.GotoAsync(_host.App.BaseAddress.ToString());
            Assert.Equal(200, response!.Status);
            var heading = page.Locator("h1");
            await Assertions.Expect(heading).ToBeVisibleAsync();
            Assert.False(string.IsNullOrWhiteSpace(await heading.First.TextContentAsync()));
            screenshot = await SharedBrowser.ScreenshotAsync(page, "harness-landing");
        });

        Assert.True(File.Exists(screenshot), screenshot);
        Assert.StartsWith(Path.Combine(TestPaths.RepositoryRoot, "OpenChat.Web.Tests", "TestResults", "screenshots"), screenshot, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Same_browser_is_shared_across_calls()
    {
        var browsers = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => Task.Run(SharedBrowser.GetAsync)));
        Assert.All(browsers, b => Assert.Same(browsers[0], b));
        Assert.True(browsers[0].IsConnected);
    }

    [Fact]
    public async Task A_failing_body_leaves_a_screenshot_and_trace_then_rethrows()
    {
        var name = "harness-failure-" + Guid.NewGuid().ToString("N")[..8];
        IPage? seen = null;

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => SharedBrowser.RunAsync(name, async page =>
        {
            seen = page;
            await page.GotoAsync(_host.App.BaseAddress.ToString());
            throw new InvalidOperationException("deliberate failure");
        }));

        Assert.Equal("deliberate failure", error.Message);
        var files = Directory.GetFiles(SharedBrowser.FailureFolder, name + "-*");
        Assert.Contains(files, f => f.EndsWith(".png", StringComparison.Ordinal) && new FileInfo(f).Length > 0);
        Assert.Contains(files, f => f.EndsWith(".zip", StringComparison.Ordinal) && new FileInfo(f).Length > 0);
        Assert.Contains(files, f => f.EndsWith(".html", StringComparison.Ordinal) && File.ReadAllText(f).Contains("<h1", StringComparison.Ordinal));
        Assert.True(seen!.IsClosed, "the context (and its page) must be closed after RunAsync");
        foreach (var file in files)
        {
            File.Delete(file); // a deliberate failure is not a CI artefact
        }
    }
}
