using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using OpenChat.Web.Accounts;
using OpenChat.Web.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace OpenChat.Web.Tests.Accounts;

[Trait("Category", TestCategories.Browser)]
public sealed class AccountBrowserTests(AccountsApp app) : IClassFixture<AccountsApp>
{
    [Fact]
    public async Task A_guest_chat_follows_sign_up_sign_out_and_sign_in()
    {
        await SharedBrowser.RunAsync(nameof(A_guest_chat_follows_sign_up_sign_out_and_sign_in),
            page => AccountJourney.GuestChatFollowsTheMemberAsync(page, app.Host, app.OpenRouter));
    }

    [Fact]
    public async Task Repeated_failures_make_this_browser_wait_and_say_how_long()
    {
        var email = TestEmails.New("lock");
        const string password = "the right password";
        // A first wait longer than any busy machine takes between two clicks.
        var settings = AccountsApp.Settings(app.OpenRouter);
        settings["RateLimits:SignInFirstWait"] = "00:10:00";
        using var host = new AppHost(settings).Start();
        await SharedBrowser.RunAsync(nameof(Repeated_failures_make_this_browser_wait_and_say_how_long), async page =>
        {
            await page.GotoAsync(new Uri(host.BaseAddress, "/account/sign-up").ToString());
            await page.GetByLabel("Name").FillAsync("Lin");
            await page.GetByLabel("Email").FillAsync(email);
            await page.GetByLabel("Password").FillAsync(password);
            await page.GetByRole(AriaRole.Button, new() { Name = "Create account" }).ClickAsync();
            await AccountJourney.ExpectMemberAsync(page, "Lin");
            await AccountJourney.SignOutAsync(page);

            await page.GotoAsync(new Uri(host.BaseAddress, "/account/sign-in").ToString());
            var alert = page.Locator("#sign-in-error");
            for (var attempt = 1; attempt <= SignInThrottle.FreeFailures + 1; attempt++)
            {
                await AccountJourney.FillSignInAsync(page, email, $"wrong password {attempt}");
                await Expect(alert).ToHaveTextAsync("That email and password don't match.");
                // The form comes back with focus on the password, ready for another try.
                await Expect(page.GetByLabel("Password")).ToBeFocusedAsync();
            }

            // Straight away again: this address waits a moment (no lock; another address is not affected).
            await AccountJourney.FillSignInAsync(page, email, password);
            await Expect(alert).ToHaveTextAsync("Too many failed attempts for this email from your network. Wait 10 minutes before trying again.");
            await Expect(page).ToHaveURLAsync(new Uri(host.BaseAddress, "/account/sign-in").ToString());
            await SharedBrowser.ScreenshotAsync(page, "account-sign-in-wait");
        });
    }

    [Fact]
    public async Task Deleting_the_account_removes_its_chats_and_frees_the_email()
    {
        var email = TestEmails.New("delete");
        const string password = "delete me please";
        const string question = "A chat that must go";
        await SharedBrowser.RunAsync(nameof(Deleting_the_account_removes_its_chats_and_frees_the_email), async page =>
        {
            await page.GotoAsync(new Uri(app.Host.BaseAddress, "/chat").ToString());
            await AccountJourney.SignUpAsync(page, "Del", email, password);
            await AccountJourney.SendFirstMessageAsync(page, app.Host, app.OpenRouter, question, "Noted.");
            var chatUrl = page.Url;

            await AccountJourney.SidebarFooter(page).GetByRole(AriaRole.Link, new() { Name = "Account: Del" }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Account", Exact = true })).ToBeVisibleAsync();

            // A wrong confirmation changes nothing and says why, next to the field.
            await page.GetByLabel("Type DELETE to confirm").FillAsync("delete");
            await page.GetByRole(AriaRole.Button, new() { Name = "Delete my account" }).ClickAsync();
            await Expect(page.Locator("#delete-confirm-error")).ToHaveTextAsync("Type DELETE in capital letters to confirm.");
            await Expect(page.GetByLabel("Type DELETE to confirm")).ToBeFocusedAsync();

            await page.GetByLabel("Type DELETE to confirm").FillAsync("DELETE");
            await page.GetByRole(AriaRole.Button, new() { Name = "Delete my account" }).ClickAsync();
            await Expect(page).ToHaveURLAsync(app.Host.BaseAddress.ToString());
            Assert.DoesNotContain(await page.Context.CookiesAsync(), c => c.Name == "oc_id");

            var gone = await page.GotoAsync(chatUrl);
            Assert.Equal(404, gone!.Status);
            await page.GotoAsync(new Uri(app.Host.BaseAddress, "/chat").ToString());
            await Expect(AccountJourney.ChatList(page)).ToContainTextAsync("No chats yet");

            // The email is free again: signing up with it makes a new, empty account.
            await AccountJourney.SignUpAsync(page, "Del again", email, "another password");
            await Expect(AccountJourney.ChatList(page)).ToContainTextAsync("No chats yet");
        });
    }

    [Fact]
    public async Task Changing_the_display_name_updates_the_sidebar()
    {
        var email = TestEmails.New("rename");
        await SharedBrowser.RunAsync(nameof(Changing_the_display_name_updates_the_sidebar), async page =>
        {
            await page.GotoAsync(new Uri(app.Host.BaseAddress, "/chat").ToString());
            await AccountJourney.SignUpAsync(page, "Old name", email, "rename password");
            await page.GotoAsync(new Uri(app.Host.BaseAddress, "/account").ToString());

            await page.GetByLabel("Display name").FillAsync("");
            await page.GetByLabel("Display name").FillAsync("  New   name ");
            await page.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();

            await Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = "Saved." })).ToBeVisibleAsync();
            await Expect(page.GetByLabel("Display name")).ToHaveValueAsync("New name");
            await Expect(AccountJourney.SidebarFooter(page).GetByRole(AriaRole.Link, new() { Name = "Account: New name" })).ToBeVisibleAsync();
            await page.ReloadAsync();
            await Expect(AccountJourney.SidebarFooter(page).GetByRole(AriaRole.Link, new() { Name = "Account: New name" })).ToBeVisibleAsync();
        });
    }

    [Theory]
    [InlineData("/account/sign-in", "light", 1280)]
    [InlineData("/account/sign-in", "dark", 390)]
    [InlineData("/account/sign-up", "dark", 1280)]
    [InlineData("/account/sign-up", "light", 390)]
    [InlineData("/account", "light", 1280)]
    [InlineData("/account", "dark", 1280)]
    [InlineData("/account", "light", 390)]
    [InlineData("/account", "dark", 390)]
    public async Task Account_pages_have_no_serious_or_critical_accessibility_violations(string path, string scheme, int width)
    {
        var name = $"axe{path.Replace('/', '-')}-{scheme}-{width}";
        var options = new BrowserNewContextOptions
        {
            ViewportSize = new() { Width = width, Height = 900 },
            ColorScheme = scheme == "dark" ? ColorScheme.Dark : ColorScheme.Light,
        };
        await SharedBrowser.RunAsync(name, async page =>
        {
            if (path == "/account")
            {
                await page.GotoAsync(new Uri(app.Host.BaseAddress, "/account/sign-up").ToString());
                await page.GetByLabel("Name").FillAsync("Axe Tester");
                await page.GetByLabel("Email").FillAsync(TestEmails.New("axe"));
                await page.GetByLabel("Password").FillAsync("accessible password");
                await page.GetByRole(AriaRole.Button, new() { Name = "Create account" }).ClickAsync();
                await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/chat$"));
            }

            await page.GotoAsync(new Uri(app.Host.BaseAddress, path).ToString());
            await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToBeVisibleAsync();
            await SharedBrowser.ScreenshotAsync(page, name);
            await Accessibility.AssertNoSeriousViolationsAsync(page);

            // The error state too: submit empty-handed past the browser's own checks.
            if (path != "/account")
            {
                await page.EvalOnSelectorAllAsync("form.form-stack", "forms => forms.forEach(f => f.noValidate = true)");
                await page.Locator("form.form-stack button[type=submit]").ClickAsync();
                await Expect(page.Locator(".field-error").First).ToBeVisibleAsync();
                await SharedBrowser.ScreenshotAsync(page, name + "-errors");
                await Accessibility.AssertNoSeriousViolationsAsync(page);
            }
        }, options);
    }
}
