using System.Net;
using AngleSharp.Html.Parser;
using Microsoft.Extensions.DependencyInjection;
using OpenChat.Web.Accounts;
using OpenChat.Web.Generation;
using OpenChat.Web.OpenRouter;
using OpenChat.Web.Tests.Chats;
using OpenChat.Web.Tests.Infrastructure;

namespace OpenChat.Web.Tests.Accounts;

/// <summary>
/// Attacks on sign-in and sessions from issue 12 (items 4, 5, 6, 7, 17), each written before its fix. The app
/// believes <c>X-Forwarded-For</c> from loopback here, so each visitor can come from an address of its own.
/// </summary>
[Trait("Category", TestCategories.Integration)]
public sealed class AccountHardeningTests
{
    private const string Password = "a good password";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task Sign_in_attempts_from_one_address_are_limited_over_all_emails()
    {
        using var host = new AppHost(new Dictionary<string, string?>
        {
            ["ForwardedHeaders:KnownProxies"] = "127.0.0.1",
            ["RateLimits:SignInPerAddress:PermitLimit"] = "5",
        }).Start();
        using var sprayer = From(new GuestSession(host), "203.0.113.4");

        for (var i = 0; i < 5; i++)
        {
            using var attempt = await sprayer.PostAsync("/account/sign-in", Credentials(TestEmails.New("spray"), "guess"));
            Assert.Equal(HttpStatusCode.UnprocessableEntity, attempt.StatusCode);
        }

        using var refused = await sprayer.PostAsync("/account/sign-in", Credentials(TestEmails.New("spray"), "guess"));
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.True(refused.Headers.RetryAfter?.Delta > TimeSpan.Zero);
        Assert.Contains("Too many sign-in attempts", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // Someone else, from another address, is not held up by it.
        using var other = From(new GuestSession(host), "198.51.100.20");
        using var fine = await other.PostAsync("/account/sign-in", Credentials(TestEmails.New("other"), "guess"));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, fine.StatusCode);
    }

    [Fact]
    public async Task Failures_from_one_address_never_lock_the_right_password_out_from_another()
    {
        // A first wait longer than a busy machine takes between two requests, so the attacker meets it.
        using var host = new AppHost(new Dictionary<string, string?>
        {
            ["ForwardedHeaders:KnownProxies"] = "127.0.0.1",
            ["RateLimits:SignInFirstWait"] = "00:10:00",
        }).Start();
        var email = TestEmails.New("victim");
        using (var owner = new GuestSession(host))
        {
            await SignUpAsync(owner, email);
        }

        using var attacker = From(new GuestSession(host), "203.0.113.9");
        var refusedByDelay = 0;
        for (var i = 0; i < 15; i++)
        {
            using var guess = await attacker.PostAsync("/account/sign-in", Credentials(email, $"guess {i}"));
            Assert.True(guess.StatusCode is HttpStatusCode.UnprocessableEntity or HttpStatusCode.TooManyRequests, $"attempt {i}: {guess.StatusCode}");
            refusedByDelay += guess.StatusCode == HttpStatusCode.TooManyRequests ? 1 : 0;
        }

        // The attacker's address is slowed down, even with the right password...
        Assert.True(refusedByDelay > 0);
        using (var slowed = await attacker.PostAsync("/account/sign-in", Credentials(email, Password)))
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, slowed.StatusCode);
            Assert.Contains("Wait", await slowed.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        // ...but the owner, from an address that has not been failing, signs in at once.
        using var victim = From(new GuestSession(host), "198.51.100.7");
        using var signIn = await victim.PostAsync("/account/sign-in", Credentials(email, Password));
        Assert.Equal(HttpStatusCode.NoContent, signIn.StatusCode);
    }

    [Fact]
    public async Task Signing_out_revokes_a_copy_of_the_cookie()
    {
        using var host = new AppHost().Start();
        using var member = new GuestSession(host);
        await SignUpAsync(member, TestEmails.New("stolen"));
        using var thief = new GuestSession(host, Copy(member.Cookies, host.BaseAddress));
        using (var before = await thief.GetAsync("/account"))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }

        using (var signOut = await member.PostAsync("/account/sign-out", currentUrl: "/account"))
        {
            Assert.Equal(HttpStatusCode.NoContent, signOut.StatusCode);
        }

        using var replayed = await thief.GetAsync("/account");
        Assert.Equal(HttpStatusCode.Redirect, replayed.StatusCode);
        Assert.StartsWith("/account/sign-in", replayed.Headers.Location!.OriginalString, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_analytics_id_copied_into_another_browser_never_shares_a_guest_identity()
    {
        await using var postHog = await FakePostHog.StartAsync();
        await using var openRouter = await FakeOpenRouter.StartAsync();
        using var host = new AppHost(new Dictionary<string, string?>
        {
            ["PostHog:Host"] = postHog.BaseUrl.ToString(),
            ["PostHog:ApiKey"] = "phc_test",
            ["OpenRouter:BaseUrl"] = openRouter.BaseUrl.ToString(),
            ["OpenRouter:ApiKey"] = openRouter.ValidKey,
        }).Start();

        // The attacker visits, keeps the analytics cookie, and plants a copy of it in the victim's browser.
        using var attacker = new GuestSession(host);
        using (await attacker.GetAsync("/"))
        {
        }

        var planted = attacker.Cookies.GetAllCookies().Single(c => c.Name == "oc_aid");
        var victimJar = new CookieContainer();
        victimJar.Add(host.BaseAddress, new Cookie(planted.Name, planted.Value, "/"));
        using var victim = new GuestSession(host, victimJar);
        var secret = await victim.StartChatAsync("The victim's secret plans");
        await ChatPagesTests.WaitUntilIdleAsync(victim, secret);

        var mine = await attacker.StartChatAsync("The attacker's chat");
        await ChatPagesTests.WaitUntilIdleAsync(attacker, mine);

        var list = await attacker.GetDocumentAsync("/chat");
        Assert.DoesNotContain("secret plans", list.GetElementById("chat-list")!.TextContent, StringComparison.Ordinal);
        using var read = await attacker.GetAsync($"/chat/{secret:D}");
        Assert.Equal(HttpStatusCode.NotFound, read.StatusCode);
    }

    [Fact]
    public async Task A_key_saved_by_a_planted_guest_is_not_moved_into_the_account_without_asking()
    {
        await using var openRouter = await FakeOpenRouter.StartAsync();
        using var host = new AppHost(AccountsApp.Settings(openRouter)).Start();

        // The attacker saves their own key as a guest and plants that guest cookie in the victim's browser.
        using var attacker = new GuestSession(host);
        using (var saved = await attacker.PostAsync("/settings/key", new Dictionary<string, string> { ["key"] = openRouter.ValidKey, ["source"] = "settings" }))
        {
            Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
        }

        using var victim = new GuestSession(host, Copy(attacker.Cookies, host.BaseAddress));
        var email = TestEmails.New("planted");
        using (var signUp = await victim.PostAsync("/account/sign-up", new Dictionary<string, string> { ["name"] = "Vic", ["email"] = email, ["password"] = Password }))
        {
            Assert.Equal(HttpStatusCode.NoContent, signUp.StatusCode);
        }

        var member = await host.Services.GetRequiredService<IMemberRepository>().FindByEmailAsync(email, CancellationToken.None);
        var vault = host.Services.GetRequiredService<KeyVault>();
        Assert.Null(await vault.FindKeyAsync(member!.OwnerId, CancellationToken.None));
    }

    [Fact]
    public async Task Deleting_an_account_stops_its_running_reply_and_leaves_no_marker()
    {
        await using var openRouter = await FakeOpenRouter.StartAsync();
        using var host = new AppHost(AccountsApp.Settings(openRouter)).Start();
        using var member = new GuestSession(host);
        await SignUpAsync(member, TestEmails.New("leaving"));
        openRouter.EnqueueReply(FakeReply.Text("Still ", "writing") with { MidGate = new TaskCompletionSource(), PauseAfterChunks = 1 });
        await member.StartChatAsync("Write forever");
        var request = await openRouter.WaitForRequestAsync(r => r.Body.Contains("Write forever", StringComparison.Ordinal) && r.ChunksSent >= 1, Patience);

        using (var delete = await member.PostAsync("/account?handler=delete", new Dictionary<string, string> { ["confirm"] = "DELETE" }, currentUrl: "/account"))
        {
            Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        }

        // Stopped before the delete answered: the upstream request is cancelled and nothing is left running or marked.
        Assert.Equal(0, host.Services.GetRequiredService<GenerationRegistry>().RunningCount);
        await openRouter.WaitForDisconnectAsync(request, Patience);
        var markers = Path.Combine(host.DataPath, "streaming");
        Assert.True(!Directory.Exists(markers) || Directory.GetFiles(markers).Length == 0, "a streaming marker was left behind");
        Assert.False(Directory.Exists(Path.Combine(host.DataPath, "owners")) && Directory.GetDirectories(Path.Combine(host.DataPath, "owners")).Length > 0,
            "the deleted member's folder came back");
    }

    [Fact]
    public async Task Signing_out_other_devices_or_changing_the_password_revokes_other_cookies_and_keeps_this_one()
    {
        using var host = new AppHost().Start();
        var email = TestEmails.New("devices");
        using var laptop = new GuestSession(host);
        await SignUpAsync(laptop, email);
        using var phone = new GuestSession(host, Copy(laptop.Cookies, host.BaseAddress));

        using (var others = await laptop.PostAsync("/account?handler=others", currentUrl: "/account"))
        {
            Assert.Equal(HttpStatusCode.OK, others.StatusCode);
        }

        using (var revoked = await phone.GetAsync("/account"))
        {
            Assert.Equal(HttpStatusCode.Redirect, revoked.StatusCode);
        }

        using (var kept = await laptop.GetAsync("/account"))
        {
            Assert.Equal(HttpStatusCode.OK, kept.StatusCode);
        }

        using var tablet = new GuestSession(host, Copy(laptop.Cookies, host.BaseAddress));
        using (var changed = await laptop.PostAsync("/account?handler=password", new Dictionary<string, string> { ["current"] = Password, ["password"] = "another good password" }, currentUrl: "/account"))
        {
            Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        }

        using (var revoked = await tablet.GetAsync("/account"))
        {
            Assert.Equal(HttpStatusCode.Redirect, revoked.StatusCode);
        }

        using var still = await laptop.GetAsync("/account");
        Assert.Equal(HttpStatusCode.OK, still.StatusCode);
    }

    [Fact]
    public async Task A_key_saved_as_a_guest_moves_into_the_account_when_the_member_says_so()
    {
        await using var openRouter = await FakeOpenRouter.StartAsync();
        using var host = new AppHost(AccountsApp.Settings(openRouter)).Start();
        using var visitor = new GuestSession(host);
        using (await visitor.PostAsync("/settings/key", new Dictionary<string, string> { ["key"] = openRouter.ValidKey, ["source"] = "settings" }))
        {
        }

        var email = TestEmails.New("mine");
        using (var signUp = await visitor.PostAsync("/account/sign-up", new Dictionary<string, string> { ["name"] = "Mo", ["email"] = email, ["password"] = Password }))
        {
            Assert.Equal("/account/guest-key?returnUrl=%2Fchat", signUp.Headers.GetValues("HX-Redirect").Single());
        }

        var question = await visitor.GetDocumentAsync("/account/guest-key?returnUrl=%2Fchat");
        Assert.Equal("Use the key you saved as a guest?", question.QuerySelector("h1")!.TextContent);
        using (var use = await visitor.PostAsync("/account/guest-key", new Dictionary<string, string> { ["choice"] = "use", ["returnUrl"] = "/chat" }, currentUrl: "/account/guest-key"))
        {
            Assert.Equal("/chat", use.Headers.GetValues("HX-Redirect").Single());
        }

        var member = await host.Services.GetRequiredService<IMemberRepository>().FindByEmailAsync(email, CancellationToken.None);
        Assert.Equal(openRouter.ValidKey, await host.Services.GetRequiredService<KeyVault>().FindKeyAsync(member!.OwnerId, CancellationToken.None));

        // Answered once: the question is not asked again.
        using var again = await visitor.GetAsync("/account/guest-key?returnUrl=%2Fchat");
        Assert.Equal(HttpStatusCode.Redirect, again.StatusCode);
    }

    internal static GuestSession From(GuestSession session, string address)
    {
        session.Client.DefaultRequestHeaders.Add("X-Forwarded-For", address);
        return session;
    }

    internal static Dictionary<string, string> Credentials(string email, string password) => new() { ["email"] = email, ["password"] = password };

    internal static CookieContainer Copy(CookieContainer cookies, Uri address)
    {
        var copy = new CookieContainer();
        foreach (Cookie cookie in cookies.GetAllCookies())
        {
            copy.Add(address, new Cookie(cookie.Name, cookie.Value, "/"));
        }

        return copy;
    }

    internal static async Task SignUpAsync(GuestSession session, string email)
    {
        using var response = await session.PostAsync("/account/sign-up", new Dictionary<string, string> { ["name"] = "Someone", ["email"] = email, ["password"] = Password, ["remember"] = "true" });
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
    }
}
