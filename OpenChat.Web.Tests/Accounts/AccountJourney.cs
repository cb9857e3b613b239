using Microsoft.Playwright;
using OpenChat.Web.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace OpenChat.Web.Tests.Accounts;

/// <summary>Browser steps shared by the account tests (file store and Postgres).</summary>
public static class AccountJourney
{
    public static ILocator ChatList(IPage page) => page.Locator("#chat-list");

    public static ILocator SidebarFooter(IPage page) => page.Locator(".sidebar-footer");

    /// <summary>
    /// On /chat: sends the first message and waits for the reply to finish. The reply is held until the thread's
    /// live stream is open, so a busy machine cannot finish it before the page listens.
    /// </summary>
    public static async Task SendFirstMessageAsync(IPage page, AppHost host, FakeOpenRouter openRouter, string text, params string[] chunks)
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        openRouter.EnqueueReply(FakeReply.Text(chunks) with { Gate = gate });
        await page.GotoAsync(new Uri(host.BaseAddress, "/chat").ToString());
        var live = page.WaitForResponseAsync(r => r.Url.Contains("/chat/live?chat=", StringComparison.Ordinal));
        await page.GetByLabel("Message", new() { Exact = true }).FillAsync(text);
        await page.GetByRole(AriaRole.Button, new() { Name = "Send" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/chat/[0-9a-f-]{36}$"));
        await live;
        gate.SetResult();
        await Expect(page.Locator("article[data-role='assistant'][data-status='complete']")).ToContainTextAsync(string.Concat(chunks), new() { Timeout = 15_000 });
    }

    public static async Task SignUpAsync(IPage page, string name, string email, string password)
    {
        await SidebarFooter(page).GetByRole(AriaRole.Link, new() { Name = "Sign in" }).ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Create an account" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Create your account" })).ToBeVisibleAsync();
        await page.GetByLabel("Name").FillAsync(name);
        await page.GetByLabel("Email").FillAsync(email);
        await page.GetByLabel("Password").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Create account" }).ClickAsync();
        await ExpectMemberAsync(page, name);
    }

    public static async Task SignInAsync(IPage page, string email, string password, string expectedName)
    {
        await SidebarFooter(page).GetByRole(AriaRole.Link, new() { Name = "Sign in" }).ClickAsync();
        await FillSignInAsync(page, email, password);
        await ExpectMemberAsync(page, expectedName);
    }

    public static async Task FillSignInAsync(IPage page, string email, string password)
    {
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Sign in", Exact = true })).ToBeVisibleAsync();
        await page.GetByLabel("Email").FillAsync(email);
        await page.GetByLabel("Password").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();
    }

    public static async Task SignOutAsync(IPage page)
    {
        await SidebarFooter(page).GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await Expect(SidebarFooter(page).GetByRole(AriaRole.Link, new() { Name = "Sign in" })).ToBeVisibleAsync();
    }

    public static async Task ExpectMemberAsync(IPage page, string name)
    {
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/chat$"));
        await Expect(SidebarFooter(page).GetByRole(AriaRole.Link, new() { Name = "Account: " + name })).ToBeVisibleAsync();
    }

    /// <summary>
    /// The whole identity story: a guest chats (the guest is made at that first write, not before), signs up and
    /// keeps the chat; signs out and sees an empty list; signs in again and has it back.
    /// </summary>
    public static async Task GuestChatFollowsTheMemberAsync(IPage page, AppHost host, FakeOpenRouter openRouter)
    {
        var email = TestEmails.New("merge");
        const string password = "correct horse battery";
        const string question = "Plan a picnic for six";

        await page.GotoAsync(new Uri(host.BaseAddress, "/chat").ToString());
        Assert.DoesNotContain(await page.Context.CookiesAsync(), c => c.Name == "oc_id");

        await SendFirstMessageAsync(page, host, openRouter, question, "Bring ", "sandwiches.");
        Assert.Contains(await page.Context.CookiesAsync(), c => c.Name == "oc_id");
        var guestCookie = (await page.Context.CookiesAsync()).Single(c => c.Name == "oc_id").Value;
        await Expect(ChatList(page).GetByRole(AriaRole.Link, new() { Name = question, Exact = true })).ToBeVisibleAsync();

        await SignUpAsync(page, "Ada", email, password);
        await Expect(ChatList(page).GetByRole(AriaRole.Link, new() { Name = question, Exact = true })).ToBeVisibleAsync();
        Assert.NotEqual(guestCookie, (await page.Context.CookiesAsync()).Single(c => c.Name == "oc_id").Value);
        await ChatList(page).GetByRole(AriaRole.Link, new() { Name = question, Exact = true }).ClickAsync();
        await Expect(page.Locator("article[data-role='assistant']")).ToContainTextAsync("Bring sandwiches.");

        await SignOutAsync(page);
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/chat$"));
        await Expect(ChatList(page)).ToContainTextAsync("No chats yet");
        Assert.DoesNotContain(await page.Context.CookiesAsync(), c => c.Name == "oc_id");

        await SignInAsync(page, email.ToUpperInvariant(), password, "Ada");
        await Expect(ChatList(page).GetByRole(AriaRole.Link, new() { Name = question, Exact = true })).ToBeVisibleAsync();
    }
}
