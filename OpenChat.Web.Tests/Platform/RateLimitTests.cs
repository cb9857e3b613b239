using System.Globalization;
using System.Net;
using AngleSharp.Html.Parser;
using OpenChat.Web.Tests.Chats;
using OpenChat.Web.Tests.Infrastructure;
using OpenChat.Web.Tests.Telemetry;

namespace OpenChat.Web.Tests.Platform;

/// <summary>
/// <c>RateLimits:*</c> on a real app with small limits (a test never waits for a window to pass): each refusal is a 429 with
/// <c>Retry-After</c> and <c>X-RateLimit-Policy</c>, a toast for htmx or the error page otherwise, and <c>chat.rate_limited</c>.
/// </summary>
[Trait("Category", TestCategories.Integration)]
public sealed class RateLimitTests
{
    [Fact]
    public async Task A_guest_sending_past_the_bucket_gets_a_toast_saying_when_to_retry_and_another_guest_is_not_affected()
    {
        await using var t = await TelemetryHarness.StartAsync(new Dictionary<string, string?>
        {
            ["RateLimits:Send:GuestPermitLimit"] = "2",
            ["RateLimits:Send:Burst"] = "2",
            ["RateLimits:Send:Window"] = "01:00:00",
        });
        using var guest = await GuestAsync(t.Host);
        await guest.StartChatAsync("one");
        await guest.StartChatAsync("two");

        using var refused = await guest.PostAsync("/chat", new Dictionary<string, string> { ["text"] = "three" });

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        var retryAfter = int.Parse(refused.Headers.GetValues("Retry-After").Single(), CultureInfo.InvariantCulture);
        Assert.InRange(retryAfter, 1, 1800); // one token every 30 minutes
        Assert.Equal("send", refused.Headers.GetValues("X-RateLimit-Policy").Single());
        Assert.Equal("#toasts", refused.Headers.GetValues("HX-Retarget").Single());
        var toast = new HtmlParser().ParseDocument(await refused.Content.ReadAsStringAsync()).QuerySelector(".toast[role=alert]")!;
        Assert.Contains("You're sending messages faster than OpenChat allows (2 per hour). Try again in", toast.TextContent, StringComparison.Ordinal);

        var limited = await t.WaitForAsync("chat.rate_limited", e => e.Property("policy") == "send");
        Assert.Equal("2/3600000", limited.Property("rate_limit_bucket"));
        Assert.Equal("2", limited.Property("limit"));
        Assert.Equal(retryAfter.ToString(CultureInfo.InvariantCulture), limited.Property("retry_after_s"));
        TelemetryHarness.AssertWellFormed(limited);

        using var other = new GuestSession(t.Host);
        await other.StartChatAsync("my own bucket");
    }

    [Fact]
    public async Task A_full_page_post_past_the_limit_gets_the_error_page_with_the_reason()
    {
        using var app = new AppHost(new Dictionary<string, string?>
        {
            ["RateLimits:Send:GuestPermitLimit"] = "1",
            ["RateLimits:Send:Burst"] = "1",
            ["RateLimits:Send:Window"] = "00:10:00",
        }).Start();
        using var guest = await GuestAsync(app);
        using var first = await guest.PostAsync("/chat", new Dictionary<string, string> { ["text"] = "one" }, htmx: false);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, first.StatusCode); // no key: refused, but it counted

        using var refused = await guest.PostAsync("/chat", new Dictionary<string, string> { ["text"] = "two" }, htmx: false);

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.True(refused.Headers.Contains("Retry-After"));
        var page = new HtmlParser().ParseDocument(await refused.Content.ReadAsStringAsync());
        Assert.Equal("Slow down a little", page.QuerySelector("h1")!.TextContent);
        Assert.Contains("Try again in 10 minutes.", page.QuerySelector(".error-page p")!.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_third_running_reply_is_refused_until_one_ends_and_no_chat_is_created_for_it()
    {
        await using var t = await TelemetryHarness.StartAsync(new Dictionary<string, string?> { ["RateLimits:RunningReplies:PermitLimit"] = "2" });
        var first = new TaskCompletionSource();
        var second = new TaskCompletionSource();
        t.OpenRouter.EnqueueReply(FakeReply.Text("a") with { Gate = first });
        t.OpenRouter.EnqueueReply(FakeReply.Text("b") with { Gate = second });
        using var guest = await GuestAsync(t.Host);
        var chatA = await guest.StartChatAsync("first");
        await guest.StartChatAsync("second");

        using var refused = await guest.PostAsync("/chat", new Dictionary<string, string> { ["text"] = "third" });

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal("concurrency", refused.Headers.GetValues("X-RateLimit-Policy").Single());
        Assert.Equal("10", refused.Headers.GetValues("Retry-After").Single());
        Assert.Equal("#toasts", refused.Headers.GetValues("HX-Retarget").Single());
        Assert.Contains("You already have 2 replies being written", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var limited = await t.WaitForAsync("chat.rate_limited", e => e.Property("policy") == "concurrency");
        Assert.Equal("2/running", limited.Property("rate_limit_bucket"));
        Assert.Equal(2, (await guest.GetDocumentAsync("/chat")).QuerySelectorAll("#chat-list li.chat-item").Length);

        first.SetResult();
        await ChatPagesTests.WaitUntilIdleAsync(guest, chatA);
        await guest.StartChatAsync("third, now that one ended");
        second.SetResult();
    }

    [Fact]
    public async Task Sign_in_attempts_count_per_address_and_email_and_the_email_is_never_logged()
    {
        using var app = new AppHost(new Dictionary<string, string?> { ["RateLimits:SignIn:PermitLimit"] = "2" }).Start();
        using var visitor = new GuestSession(app);
        const string email = "limited.person@example.org";
        for (var i = 0; i < 2; i++)
        {
            using var wrong = await SignInAsync(visitor, email);
            Assert.Equal(HttpStatusCode.UnprocessableEntity, wrong.StatusCode);
        }

        using var refused = await SignInAsync(visitor, email);
        using var otherEmail = await SignInAsync(visitor, "someone.else@example.org");

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal("auth", refused.Headers.GetValues("X-RateLimit-Policy").Single());
        Assert.Contains("Too many sign-in attempts for this email from your network.", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, otherEmail.StatusCode);
        Assert.DoesNotContain(app.LogLines, l => l.Contains("limited.person", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task Sign_ups_and_key_saves_have_their_own_limits()
    {
        using var app = new AppHost(new Dictionary<string, string?>
        {
            ["RateLimits:SignUp:PermitLimit"] = "1",
            ["RateLimits:KeySave:PermitLimit"] = "1",
        }).Start();
        using var visitor = await GuestAsync(app);
        using var keySaved = await visitor.PostAsync("/settings/key", new Dictionary<string, string> { ["key"] = "sk-or-v1-nope" });
        using var keyRefused = await visitor.PostAsync("/settings/key", new Dictionary<string, string> { ["key"] = "sk-or-v1-nope" });
        using var fromDialog = new HttpRequestMessage(HttpMethod.Post, "/settings/key")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["key"] = "sk-or-v1-nope", ["source"] = "modal" }),
        };
        fromDialog.Headers.Add("HX-Request", "true");
        fromDialog.Headers.Add("HX-Target", "dialog-slot");
        fromDialog.Headers.Add("RequestVerificationToken", await visitor.GetTokenAsync());
        using var dialogRefused = await visitor.Client.SendAsync(fromDialog);
        using var signUp = await visitor.PostAsync("/account/sign-up", new Dictionary<string, string> { ["name"] = "A", ["email"] = "a@example.org", ["password"] = "correct horse battery" });
        using var visitor2 = new GuestSession(app);
        using var signUpRefused = await visitor2.PostAsync("/account/sign-up", new Dictionary<string, string> { ["name"] = "B", ["email"] = "b@example.org", ["password"] = "correct horse battery" });

        Assert.NotEqual(HttpStatusCode.TooManyRequests, keySaved.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, dialogRefused.StatusCode);
        Assert.Equal("#dialog-slot dialog", dialogRefused.Headers.GetValues("HX-Retarget").Single()); // toasts sit under a modal dialog
        Assert.Equal("beforeend", dialogRefused.Headers.GetValues("HX-Reswap").Single());
        Assert.Equal(HttpStatusCode.TooManyRequests, keyRefused.StatusCode);
        Assert.Equal("key_save", keyRefused.Headers.GetValues("X-RateLimit-Policy").Single());
        Assert.Equal(HttpStatusCode.NoContent, signUp.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, signUpRefused.StatusCode);
        Assert.Equal("auth", signUpRefused.Headers.GetValues("X-RateLimit-Policy").Single());
        Assert.Contains("Too many new accounts from your network. Try again in", await signUpRefused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Everything_else_is_limited_per_address_but_health_probes_are_not()
    {
        using var app = new AppHost(new Dictionary<string, string?> { ["RateLimits:Global:PermitLimit"] = "3" }).Start();
        var client = app.CreateHttpClient();
        for (var i = 0; i < 3; i++)
        {
            using var ok = await client.GetAsync(new Uri("/privacy", UriKind.Relative));
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }

        using var refused = await client.GetAsync(new Uri("/privacy", UriKind.Relative));
        using var health = await client.GetAsync(new Uri("/healthz", UriKind.Relative));

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal("global", refused.Headers.GetValues("X-RateLimit-Policy").Single());
        Assert.InRange(int.Parse(refused.Headers.GetValues("Retry-After").Single(), CultureInfo.InvariantCulture), 1, 60);
        var page = new HtmlParser().ParseDocument(await refused.Content.ReadAsStringAsync());
        Assert.Contains("Too many requests from your network. Try again in", page.QuerySelector(".error-page p")!.TextContent, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    [Theory]
    [InlineData("RateLimits:Send:Burst", "0", "RateLimits:Send:Burst must be at least 1")]
    [InlineData("RateLimits:Global:Window", "00:00:00", "RateLimits:Global:Window must be a positive time span")]
    public void A_bad_setting_stops_start_up_with_its_name(string key, string value, string message)
    {
        var error = Assert.ThrowsAny<Exception>(() => new AppHost(new Dictionary<string, string?> { [key] = value }).Start());
        Assert.Contains(message, error.ToString(), StringComparison.Ordinal);
    }

    /// <summary>A visitor who is a guest already (the first write of an anonymous visitor counts under its address).</summary>
    private static async Task<GuestSession> GuestAsync(AppHost host)
    {
        var guest = new GuestSession(host);
        using var response = await guest.PostAsync("/settings/appearance", new Dictionary<string, string> { ["uiTheme"] = "dark" });
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        return guest;
    }

    private static Task<HttpResponseMessage> SignInAsync(GuestSession visitor, string email) =>
        visitor.PostAsync("/account/sign-in", new Dictionary<string, string> { ["email"] = email, ["password"] = "wrong password" });
}
