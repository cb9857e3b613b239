using Microsoft.Playwright;
using OpenChat.Web.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace OpenChat.Web.Tests.Accounts;

/// <summary>
/// Issue 13 items 11 and 14 in a real browser, on a desktop and a 390 px phone: the free replies left on the operator's
/// key, the Account page's password, email and other-devices controls, "Sign in" in the landing header and the way back
/// to the chats from the sign-in pages. Each test also holds the page to its width and to no console errors.
/// </summary>
[Trait("Category", TestCategories.Browser)]
public sealed class AccessBrowserTests
{
    private const string Password = "correct horse battery";

    [Theory]
    [InlineData(1440, 900, "light")]
    [InlineData(390, 844, "dark")]
    public async Task Free_replies_left_show_under_the_composer_and_the_refusal_says_when_they_reset(int width, int height, string scheme)
    {
        await using var openRouter = await FakeOpenRouter.StartAsync();
        var settings = AccountsApp.Settings(openRouter);
        settings["Limits:GuestDailyReplies"] = "2";
        using var host = new AppHost(settings).Start();
        await SharedBrowser.RunAsync($"free-replies-{width}", async page =>
        {
            var errors = CollectConsoleErrors(page);
            await page.EmulateMediaAsync(new() { ColorScheme = scheme == "dark" ? ColorScheme.Dark : ColorScheme.Light });
            await page.GotoAsync(new Uri(host.BaseAddress, "/chat").ToString());
            var free = page.Locator("#free-replies");
            await Expect(free).ToHaveTextAsync("2 of 2 free replies left today · resets at 00:00 UTC · Sign up for 100 a day");
            await Expect(free.GetByRole(AriaRole.Link, new() { Name = "Sign up" })).ToHaveAttributeAsync("href", "/account/sign-up");
            await SharedBrowser.ScreenshotAsync(page, $"free-replies-{scheme}-{width}");

            await AccountJourney.SendFirstMessageAsync(page, host, openRouter, "First free question", "First answer.");
            await Expect(free).ToHaveTextAsync("1 of 2 free replies left today · resets at 00:00 UTC · Sign up for 100 a day");

            // Sending in the thread updates the line without a reload.
            await page.GetByLabel("Message", new() { Exact = true }).FillAsync("Second free question");
            await page.GetByRole(AriaRole.Button, new() { Name = "Send" }).ClickAsync();
            await Expect(free).ToHaveTextAsync("No free replies left today · resets at 00:00 UTC · Sign up for 100 a day");
            await Expect(page.Locator("article[data-role='assistant']").Last).ToHaveAttributeAsync("data-status", "complete", new() { Timeout = 15_000 });

            await page.GetByLabel("Message", new() { Exact = true }).FillAsync("One more, please");
            await page.GetByRole(AriaRole.Button, new() { Name = "Send" }).ClickAsync();
            var dialog = page.Locator("dialog#key-dialog");
            await Expect(dialog).ToBeVisibleAsync();
            await Expect(dialog).ToContainTextAsync("They reset at 00:00 UTC");
            await AssertFitsAsync(page);
            await SharedBrowser.ScreenshotAsync(page, $"free-replies-refused-{scheme}-{width}");
            Assert.Empty(errors);
        }, Options(width, height));
    }

    [Theory]
    [InlineData(1440, 900, "light")]
    [InlineData(390, 844, "dark")]
    public async Task Members_change_their_password_and_email_on_the_account_page(int width, int height, string scheme)
    {
        using var host = new AppHost().Start();
        var email = TestEmails.New("change");
        var newEmail = TestEmails.New("changed");
        await SharedBrowser.RunAsync($"account-changes-{width}", async page =>
        {
            var errors = CollectConsoleErrors(page);
            await page.EmulateMediaAsync(new() { ColorScheme = scheme == "dark" ? ColorScheme.Dark : ColorScheme.Light });
            await page.GotoAsync(new Uri(host.BaseAddress, "/account/sign-up").ToString());
            await page.GetByLabel("Name").FillAsync("Cam");
            await page.GetByLabel("Email").FillAsync(email);
            await page.GetByLabel("Password").FillAsync(Password);
            await page.GetByRole(AriaRole.Button, new() { Name = "Create account" }).ClickAsync();
            await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/chat$"), new() { Timeout = 20_000 });

            await page.GotoAsync(new Uri(host.BaseAddress, "/account").ToString());
            var passwordForm = page.Locator("#password-form");
            await passwordForm.GetByLabel("Current password").FillAsync("not my password");
            await passwordForm.GetByLabel("New password").FillAsync("a brand new password");
            await passwordForm.GetByRole(AriaRole.Button, new() { Name = "Change password" }).ClickAsync();
            await Expect(page.Locator("#account-current-password-error")).ToHaveTextAsync("That isn't your current password.");
            await Expect(page.Locator("#account-current-password")).ToBeFocusedAsync();

            await passwordForm.GetByLabel("Current password").FillAsync(Password);
            await passwordForm.GetByLabel("New password").FillAsync("a brand new password");
            await passwordForm.GetByRole(AriaRole.Button, new() { Name = "Change password" }).ClickAsync();
            await Expect(page.Locator("#password-form [role=status]")).ToHaveTextAsync("Password changed. Your other devices are signed out.");

            var emailForm = page.Locator("#email-form");
            await emailForm.GetByLabel("Email").FillAsync(newEmail);
            await emailForm.GetByLabel("Current password").FillAsync("a brand new password");
            await emailForm.GetByRole(AriaRole.Button, new() { Name = "Change email" }).ClickAsync();
            await Expect(page.Locator("#email-form [role=status]")).ToHaveTextAsync("Email changed.");

            await page.GetByRole(AriaRole.Button, new() { Name = "Sign out of other devices" }).ClickAsync();
            await Expect(page.Locator("#other-devices-form [role=status]")).ToHaveTextAsync("Your other devices are signed out.");
            await AssertFitsAsync(page);
            await SharedBrowser.ScreenshotAsync(page, $"account-changes-{scheme}-{width}");

            // This device stays signed in throughout; the new email and password are what sign in from now on.
            await page.ReloadAsync();
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Account", Exact = true })).ToBeVisibleAsync();
            await Expect(page.Locator(".account-head")).ToContainTextAsync(newEmail);
            await page.Locator("section[aria-labelledby=session-heading]").GetByRole(AriaRole.Button, new() { Name = "Sign out", Exact = true }).ClickAsync();
            await Expect(page).ToHaveURLAsync(new Uri(host.BaseAddress, "/chat").ToString());
            await page.GotoAsync(new Uri(host.BaseAddress, "/account/sign-in").ToString());
            await AccountJourney.FillSignInAsync(page, newEmail, "a brand new password");
            await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/chat$"));
            Assert.Empty(errors);
        }, Options(width, height));
    }

    [Theory]
    [InlineData(1440, 900, "light")]
    [InlineData(390, 844, "dark")]
    public async Task The_landing_header_offers_sign_in_and_the_sign_in_pages_lead_back_to_the_chats(int width, int height, string scheme)
    {
        using var host = new AppHost().Start();
        await SharedBrowser.RunAsync($"landing-sign-in-{width}", async page =>
        {
            var errors = CollectConsoleErrors(page);
            await page.EmulateMediaAsync(new() { ColorScheme = scheme == "dark" ? ColorScheme.Dark : ColorScheme.Light });
            await page.GotoAsync(host.BaseAddress.ToString());
            var header = page.Locator(".site-header");
            await AssertFitsAsync(page);
            await header.ScreenshotAsync(new() { Path = Path.Combine(TestPaths.TestResultsFolder("screenshots"), $"landing-header-{scheme}-{width}.png") });
            await header.GetByRole(AriaRole.Link, new() { Name = "Sign in" }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Sign in", Exact = true })).ToBeVisibleAsync();
            await AssertFitsAsync(page);
            await SharedBrowser.ScreenshotAsync(page, $"sign-in-{scheme}-{width}");

            await page.GetByRole(AriaRole.Link, new() { Name = "Create an account" }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Create your account" })).ToBeVisibleAsync();
            await page.GetByRole(AriaRole.Link, new() { Name = "← Back to your chats" }).ClickAsync();
            await Expect(page).ToHaveURLAsync(new Uri(host.BaseAddress, "/chat").ToString());

            await page.GotoAsync(new Uri(host.BaseAddress, "/account/sign-in").ToString());
            await page.GetByRole(AriaRole.Link, new() { Name = "← Back to your chats" }).ClickAsync();
            await Expect(page).ToHaveURLAsync(new Uri(host.BaseAddress, "/chat").ToString());
            Assert.Empty(errors);
        }, Options(width, height));
    }

    private static BrowserNewContextOptions Options(int width, int height)
    {
        var options = SharedBrowser.DefaultContextOptions();
        options.ViewportSize = new ViewportSize { Width = width, Height = height };
        return options;
    }

    /// <summary>
    /// Console errors, except the browser's and htmx's lines for a refused request (a 422 for a wrong password or the 429
    /// at the limit is the point of these tests) and htmx's oobErrorNoTarget on sends in an existing chat (issue 13
    /// item 6, fixed on the front-end branch). CSP violations and script errors all count.
    /// </summary>
    private static List<string> CollectConsoleErrors(IPage page)
    {
        var errors = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Type == "error"
                && !message.Text.Contains("the server responded with a status of 4", StringComparison.Ordinal)
                && !message.Text.Contains("Response Status Error Code 4", StringComparison.Ordinal)
                && !message.Text.Contains("htmx:oobErrorNoTarget", StringComparison.Ordinal))
            {
                errors.Add(message.Text);
            }
        };
        return errors;
    }

    private static async Task AssertFitsAsync(IPage page)
    {
        var widths = await page.EvaluateAsync<int[]>("() => [document.documentElement.scrollWidth, window.innerWidth]");
        Assert.True(widths[0] <= widths[1], $"the page is {widths[0]} px wide in a {widths[1]} px viewport");
    }
}
