using System.Globalization;
using Microsoft.Playwright;

namespace OpenChat.Web.Tests.Infrastructure;

/// <summary>
/// ONE Playwright driver and ONE headless Chromium per test run (lazy, thread-safe, relaunched if it crashed, closed at process exit).
/// Chromium comes from <c>CHROMIUM_PATH</c> or <c>/usr/bin/chromium</c>; nothing is ever downloaded.
/// Artefacts go to <c>OpenChat.Web.Tests/TestResults/{browser,screenshots}</c> at the repository root.
/// </summary>
public static class SharedBrowser
{
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static IPlaywright? _playwright;
    private static IBrowser? _browser;
    private static bool _exitHooked;

    /// <summary>The Chromium executable used: <c>CHROMIUM_PATH</c> or <c>/usr/bin/chromium</c>.</summary>
    public static string ExecutablePath =>
        Environment.GetEnvironmentVariable("CHROMIUM_PATH") is { Length: > 0 } path ? path : "/usr/bin/chromium";

    /// <summary>Context defaults when <c>RunAsync</c> gets no options: en-US, UTC, 1280x800, so pages render the same everywhere.</summary>
    public static BrowserNewContextOptions DefaultContextOptions() => new()
    {
        Locale = "en-US",
        TimezoneId = "UTC",
        ViewportSize = new ViewportSize { Width = 1280, Height = 800 },
    };

    public static async Task<IBrowser> GetAsync()
    {
        if (_browser is { IsConnected: true } ready)
        {
            return ready;
        }

        await Gate.WaitAsync();
        try
        {
            if (_browser is { IsConnected: true } raced)
            {
                return raced;
            }

            if (!File.Exists(ExecutablePath))
            {
                throw new InvalidOperationException(
                    $"SharedBrowser: no Chromium at {ExecutablePath}. Install it with apt-get install chromium, or set CHROMIUM_PATH. (Playwright never downloads a browser here.)");
            }

            _playwright ??= await Playwright.CreateAsync();
            _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = ExecutablePath,
                Headless = true,
                Args =
                [
                    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
                ],
            });
            if (!_exitHooked)
            {
                _exitHooked = true;
                AppDomain.CurrentDomain.ProcessExit += (_, _) => CloseAtExit();
            }

            return _browser;
        }
        finally
        {
            Gate.Release();
        }
    }

    /// <summary>
    /// Runs <paramref name="test"/> on a new page in a new context, with Playwright tracing on. If it throws, saves
    /// <c>TestResults/browser/{name}-{timestamp}.png</c> (full page), <c>.html</c> (the DOM) and <c>.zip</c> (trace), then rethrows.
    /// The context is always closed.
    /// </summary>
    public static async Task RunAsync(string name, Func<IPage, Task> test, BrowserNewContextOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(test);
        var browser = await GetAsync();
        var context = await browser.NewContextAsync(options ?? DefaultContextOptions());
        try
        {
            await context.Tracing.StartAsync(new TracingStartOptions { Screenshots = true, Snapshots = true, Title = name });
            var page = await context.NewPageAsync();
            try
            {
                await test(page);
            }
            catch
            {
                await SaveFailureArtefactsAsync(name, context, page);
                throw;
            }

            await context.Tracing.StopAsync();
        }
        finally
        {
            await context.CloseAsync();
        }
    }

    /// <summary>A full-page screenshot at <c>TestResults/screenshots/{name}.png</c>; returns its path.</summary>
    public static async Task<string> ScreenshotAsync(IPage page, string name)
    {
        ArgumentNullException.ThrowIfNull(page);
        var path = Path.Combine(TestPaths.TestResultsFolder("screenshots"), TestPaths.SafeFileName(name) + ".png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        return path;
    }

    /// <summary>The folder failure artefacts go to (<c>TestResults/browser</c>).</summary>
    public static string FailureFolder => TestPaths.TestResultsFolder("browser");

    private static async Task SaveFailureArtefactsAsync(string name, IBrowserContext context, IPage page)
    {
        var stem = Path.Combine(FailureFolder,
            $"{TestPaths.SafeFileName(name)}-{DateTime.UtcNow.ToString("yyyyMMdd-HHmmss-fff", CultureInfo.InvariantCulture)}");
        // Each step on its own: a page that crashed or closed must not hide the test's own exception.
        try
        {
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = stem + ".png", FullPage = true, Timeout = 10_000 });
        }
        catch (PlaywrightException)
        {
        }

        try
        {
            await File.WriteAllTextAsync(stem + ".html", await page.ContentAsync());
        }
        catch (PlaywrightException)
        {
        }

        try
        {
            await context.Tracing.StopAsync(new TracingStopOptions { Path = stem + ".zip" });
        }
        catch (PlaywrightException)
        {
        }
    }

    private static void CloseAtExit()
    {
        try
        {
            _browser?.CloseAsync().Wait(TimeSpan.FromSeconds(10));
        }
        catch (AggregateException)
        {
        }

        _playwright?.Dispose();
    }
}
