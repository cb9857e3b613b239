using System.Collections.Concurrent;
using Microsoft.Playwright;
using OpenChat.Web.Tests.Accounts;
using OpenChat.Web.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace OpenChat.Web.Tests.Platform;

/// <summary>
/// A whole visit in real Chromium under the real CSP: nothing is refused. Violations are caught three ways: the page's
/// <c>securitypolicyviolation</c> events (reported through a binding, so every document of the visit is covered), Chromium's
/// console ("Refused to ..."), and the app's own report counter (Chromium posts <c>report-uri</c> reports at once). A deliberate
/// violation at the end proves all three see one.
/// </summary>
[Trait("Category", TestCategories.Browser)]
public sealed class CspBrowserTests(AccountsApp app) : IClassFixture<AccountsApp>
{
    private const string Watcher = """
        document.addEventListener('securitypolicyviolation', function (e) {
          window.__cspViolation(e.effectiveDirective + ' blocked ' + e.blockedURI + ' at ' + e.sourceFile + ':' + e.lineNumber);
        });
        """;

    [Fact]
    public async Task A_full_journey_causes_no_csp_violation()
    {
        var host = app.Host;
        using var client = host.CreateHttpClient();
        await SharedBrowser.RunAsync(nameof(A_full_journey_causes_no_csp_violation), async page =>
        {
            var violations = new ConcurrentQueue<string>();
            var console = new ConcurrentQueue<string>();
            await page.ExposeFunctionAsync("__cspViolation", (string text) => violations.Enqueue(text));
            await page.AddInitScriptAsync(Watcher);
            page.Console += (_, message) =>
            {
                if (message.Text.Contains("Content Security Policy", StringComparison.Ordinal) || message.Text.StartsWith("Refused to", StringComparison.Ordinal))
                {
                    console.Enqueue(message.Text);
                }
            };

            // Landing page → chat as a guest → a streamed Markdown reply (code block, list, link).
            await page.GotoAsync(host.BaseAddress.ToString());
            await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToBeVisibleAsync();
            var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            app.OpenRouter.EnqueueReply(FakeReply.Text("## Plan\n\n", "- one\n- two\n\n", "```csharp\nvar answer = 42;\n```\n\n", "See [the docs](https://example.com).") with { Gate = gate });
            await page.GetByRole(AriaRole.Link, new() { Name = "Try OpenChat" }).First.ClickAsync();
            var live = page.WaitForResponseAsync(r => r.Url.Contains("/chat/live?chat=", StringComparison.Ordinal));
            await page.GetByLabel("Message", new() { Exact = true }).FillAsync("Show me some code");
            await page.GetByRole(AriaRole.Button, new() { Name = "Send" }).ClickAsync();
            await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/chat/[0-9a-f-]{36}$"));
            await live;
            gate.SetResult();
            var reply = page.Locator("article[data-role='assistant'][data-status='complete']");
            await Expect(reply.Locator(".prose pre")).ToContainTextAsync("var answer = 42;", new() { Timeout = 15_000 });

            // The model picker dialog, opened and closed.
            await page.Locator("#model-button").ClickAsync();
            var picker = page.GetByRole(AriaRole.Dialog, new() { Name = "Choose a model" });
            await Expect(picker).ToBeVisibleAsync();
            await page.Keyboard.PressAsync("Escape");
            await Expect(picker).ToBeHiddenAsync();

            // Settings: a scheme and an accent; then the header's light/dark toggle.
            await page.GetByRole(AriaRole.Link, new() { Name = "Settings" }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Appearance" })).ToBeVisibleAsync();
            var saved = page.WaitForResponseAsync(r => r.Url.EndsWith("/settings/appearance", StringComparison.Ordinal));
            await page.GetByRole(AriaRole.Radio, new() { Name = "Green" }).CheckAsync();
            await saved;
            await Expect(page.Locator("html")).ToHaveAttributeAsync("data-brand-theme", "green");
            await page.Locator("[data-theme-toggle]").ClickAsync();
            await Expect(page.Locator("html")).ToHaveAttributeAsync("data-theme", "dark");

            // Sign up: the guest's chat comes along.
            await page.GotoAsync(new Uri(host.BaseAddress, "/chat").ToString());
            await AccountJourney.SignUpAsync(page, "Csp Carla", TestEmails.New("csp"), "correct horse battery");
            await Expect(AccountJourney.ChatList(page)).ToContainTextAsync("Show me some code");

            Assert.True(violations.IsEmpty, "CSP violations: " + string.Join("\n", violations));
            Assert.True(console.IsEmpty, "CSP errors on the console: " + string.Join("\n", console));
            Assert.Equal(0, await CspReportTests.ViolationsAsync(client));

            // The watchers work: an inline style attribute (what the markup must never contain) is refused and seen.
            await page.EvaluateAsync("() => document.body.appendChild(document.createElement('div')).setAttribute('style', 'color: red')");
            await WaitForAsync(() => Task.FromResult(!violations.IsEmpty && !console.IsEmpty), "the deliberate violation was not seen");
            Assert.Contains(violations, v => v.StartsWith("style-src-attr", StringComparison.Ordinal));
            await WaitForAsync(async () => await CspReportTests.ViolationsAsync(client) > 0, "the browser's report did not reach /csp-report");
            Assert.Equal(1, await CspReportTests.ViolationsAsync(client));
        });
    }

    /// <summary>Polls a condition (every 50 ms, for at most 10 s).</summary>
    private static async Task WaitForAsync(Func<Task<bool>> condition, string message)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException(message);
            }

            await Task.Delay(50);
        }
    }
}
