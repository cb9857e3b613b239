using System.Net;
using AngleSharp.Html.Parser;
using Microsoft.Extensions.DependencyInjection;
using OpenChat.Web.Accounts;
using OpenChat.Web.Chats;
using OpenChat.Web.Tests.Chats;
using OpenChat.Web.Tests.Infrastructure;

namespace OpenChat.Web.Tests.Accounts;

/// <summary>Sign-up, sign-in, sign-out and /account over HTTP, as htmx and as plain forms use them.</summary>
[Trait("Category", TestCategories.Integration)]
public sealed class AccountHttpTests(AccountsApp app) : IClassFixture<AccountsApp>
{
    private const string Password = "a good password";

    private AppHost Host => app.Host;

    [Theory]
    [InlineData("Ann", "ann-{0}@example.com", "short", "password", "Use at least 8 characters for your password.")]
    [InlineData("Ann", "ann-{0}@example.com", "", "password", "Choose a password.")]
    [InlineData("Ann", "not-an-email", Password, "email", "Enter an email address like name@example.com.")]
    [InlineData("Ann", "ann@example", Password, "email", "Enter an email address like name@example.com.")]
    [InlineData("Ann", "ann {0}@example.com", Password, "email", "Enter an email address like name@example.com.")]
    [InlineData("   ", "ann-{0}@example.com", Password, "name", "Enter a name.")]
    [InlineData("x81", "ann-{0}@example.com", Password, "name", "Use at most 80 characters for your name.")]
    public async Task Sign_up_refuses_invalid_fields_with_a_field_error_and_creates_nothing(string name, string email, string password, string field, string message)
    {
        using var visitor = new GuestSession(Host);
        email = string.Format(System.Globalization.CultureInfo.InvariantCulture, email, Guid.NewGuid().ToString("N"));
        name = name == "x81" ? new string('x', 81) : name;

        using var response = await visitor.PostAsync("/account/sign-up", new Dictionary<string, string> { ["name"] = name, ["email"] = email, ["password"] = password });

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        var form = new HtmlParser().ParseDocument("<body>" + html + "</body>");
        Assert.DoesNotContain("<html", html, StringComparison.OrdinalIgnoreCase);
        var input = form.QuerySelector($"#sign-up-{field}")!;
        Assert.Equal("true", input.GetAttribute("aria-invalid"));
        var describedBy = input.GetAttribute("aria-describedby")!.Split(' ');
        Assert.Equal(message, form.GetElementById(describedBy[0])!.TextContent);
        Assert.Equal("autofocus", input.GetAttribute("autofocus"));
        Assert.DoesNotContain(password.Length == 0 ? "\u0000" : password, html, StringComparison.Ordinal);
        Assert.Null(FindCookie(visitor, OwnerIdentity.CookieName));
        Assert.Null(await Members.FindByEmailAsync(email, CancellationToken.None));
    }

    [Fact]
    public async Task Without_htmx_a_refused_sign_up_renders_the_whole_page_with_422()
    {
        using var visitor = new GuestSession(Host);

        using var response = await visitor.PostAsync("/account/sign-up", new Dictionary<string, string> { ["name"] = "Ann", ["email"] = "bad", ["password"] = "short" }, htmx: false);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var page = new HtmlParser().ParseDocument(await response.Content.ReadAsStringAsync());
        Assert.Equal("Create your account", page.QuerySelector("h1")!.TextContent);
        Assert.Equal("Enter an email address like name@example.com.", page.GetElementById("sign-up-email-error")!.TextContent);
        Assert.Equal("Use at least 8 characters for your password.", page.GetElementById("sign-up-password-error")!.TextContent);
        Assert.Equal("Ann", page.GetElementById("sign-up-name")!.GetAttribute("value"));
    }

    [Fact]
    public async Task An_email_is_unique_without_regard_to_case_and_a_second_sign_up_never_says_taken()
    {
        var email = TestEmails.New("Case");
        using var first = new GuestSession(Host);
        await SignUpAsync(first, "First", email, Password);

        using var second = new GuestSession(Host);
        using var refused = await second.PostAsync("/account/sign-up", new Dictionary<string, string>
        {
            ["name"] = "Second", ["email"] = email.ToLowerInvariant(), ["password"] = "a different password",
        });

        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        var html = await refused.Content.ReadAsStringAsync();
        var error = new HtmlParser().ParseDocument("<body>" + html + "</body>").GetElementById("sign-up-error")!;
        Assert.Equal(AccountService.SignUpRefused, error.TextContent);
        Assert.Equal("sign-up-error", new HtmlParser().ParseDocument("<body>" + html + "</body>").GetElementById("sign-up-email")!.GetAttribute("aria-describedby"));
        Assert.DoesNotContain("taken", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("exists", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("already registered", html, StringComparison.OrdinalIgnoreCase);
        Assert.Null(FindCookie(second, OwnerIdentity.CookieName));
        Assert.Equal("First", (await Members.FindByEmailAsync(email, CancellationToken.None))!.DisplayName);

        // The same person with their own password is simply signed in (to the existing account, name unchanged).
        using var signedIn = await second.PostAsync("/account/sign-up", new Dictionary<string, string>
        {
            ["name"] = "Someone else", ["email"] = email.ToUpperInvariant(), ["password"] = Password,
        });
        Assert.Equal(HttpStatusCode.NoContent, signedIn.StatusCode);
        var footer = (await second.GetDocumentAsync("/chat")).QuerySelector(".sidebar-footer")!;
        Assert.Equal("First", footer.QuerySelector("#sidebar-member-name")!.TextContent);
    }

    [Fact]
    public async Task An_unknown_email_and_a_wrong_password_read_exactly_the_same()
    {
        var email = TestEmails.New("same");
        using (var member = new GuestSession(Host))
        {
            await SignUpAsync(member, "Sam", email, Password);
        }

        using var visitor = new GuestSession(Host);
        using var wrongPassword = await visitor.PostAsync("/account/sign-in", new Dictionary<string, string> { ["email"] = email, ["password"] = "not the password" });
        using var unknownEmail = await visitor.PostAsync("/account/sign-in", new Dictionary<string, string> { ["email"] = TestEmails.New("nobody"), ["password"] = "not the password" });

        Assert.Equal(HttpStatusCode.UnprocessableEntity, wrongPassword.StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, unknownEmail.StatusCode);
        var a = new HtmlParser().ParseDocument("<body>" + await wrongPassword.Content.ReadAsStringAsync() + "</body>");
        var b = new HtmlParser().ParseDocument("<body>" + await unknownEmail.Content.ReadAsStringAsync() + "</body>");
        Assert.Equal("That email and password don't match.", a.GetElementById("sign-in-error")!.TextContent);
        Assert.Equal("That email and password don't match.", b.GetElementById("sign-in-error")!.TextContent);
    }

    [Fact]
    public async Task Keep_me_signed_in_sets_a_30_day_cookie_otherwise_a_session_cookie()
    {
        var email = TestEmails.New("remember");
        using (var member = new GuestSession(Host))
        {
            await SignUpAsync(member, "Rem", email, Password);
        }

        using var remembered = new GuestSession(Host);
        using var persistent = await remembered.PostAsync("/account/sign-in", new Dictionary<string, string> { ["email"] = email, ["password"] = Password, ["remember"] = "true" });
        Assert.Equal(HttpStatusCode.NoContent, persistent.StatusCode);
        Assert.Equal("/chat", persistent.Headers.GetValues("HX-Redirect").Single());
        var cookie = FindCookie(remembered, OwnerIdentity.CookieName)!;
        Assert.InRange(cookie.Expires, DateTime.Now.AddDays(29.9), DateTime.Now.AddDays(30.1));
        Assert.True(cookie.HttpOnly);

        using var session = new GuestSession(Host);
        using var sessionOnly = await session.PostAsync("/account/sign-in", new Dictionary<string, string> { ["email"] = email, ["password"] = Password });
        Assert.Equal(HttpStatusCode.NoContent, sessionOnly.StatusCode);
        var header = sessionOnly.Headers.GetValues("Set-Cookie").Single(h => h.StartsWith(OwnerIdentity.CookieName + "=", StringComparison.Ordinal));
        Assert.DoesNotContain("expires=", header, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("max-age=", header, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("/chat", "/chat")]
    [InlineData("/account", "/account")]
    [InlineData("https://evil.example/", "/chat")]
    [InlineData("//evil.example/", "/chat")]
    [InlineData("/\\evil.example/", "/chat")]
    [InlineData("/account/sign-out", "/chat")]
    public async Task Sign_in_returns_only_to_a_local_address(string returnUrl, string expected)
    {
        var email = TestEmails.New("return");
        using (var member = new GuestSession(Host))
        {
            await SignUpAsync(member, "Ret", email, Password);
        }

        using var visitor = new GuestSession(Host);
        using var response = await visitor.PostAsync("/account/sign-in", new Dictionary<string, string>
        {
            ["email"] = email, ["password"] = Password, ["returnUrl"] = returnUrl,
        }, htmx: false);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(expected, response.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task Reading_pages_never_creates_a_guest()
    {
        using var visitor = new GuestSession(Host);
        foreach (var path in new[] { "/", "/chat", "/privacy", "/account/sign-in", "/account/sign-up", "/account", "/account/sign-out" })
        {
            using var response = await visitor.GetAsync(path);
            Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.Redirect, $"{path}: {response.StatusCode}");
            var cookies = response.Headers.TryGetValues("Set-Cookie", out var values) ? values : [];
            Assert.DoesNotContain(cookies, c => c.StartsWith(OwnerIdentity.CookieName + "=", StringComparison.Ordinal));
        }

        Assert.Null(FindCookie(visitor, OwnerIdentity.CookieName));
    }

    [Fact]
    public async Task No_header_query_parameter_or_form_field_sets_the_identity()
    {
        var email = TestEmails.New("victim");
        using var victim = new GuestSession(Host);
        await SignUpAsync(victim, "Vic", email, Password);
        var victimChat = await victim.StartChatAsync("Victim's private chat");
        var victimId = (await Members.FindByEmailAsync(email, CancellationToken.None))!.OwnerId;

        using var attacker = new GuestSession(Host);
        string[] names = ["x-user-id", "user-id", "userId", "ownerId", "owner_id", "oc_id", "oc_guest_id", "sub", "nameidentifier"];
        foreach (var name in names)
        {
            attacker.Client.DefaultRequestHeaders.Remove(name);
            attacker.Client.DefaultRequestHeaders.TryAddWithoutValidation(name, victimId);
        }

        var query = string.Join('&', names.Select(n => $"{n}={victimId}"));
        var list = await attacker.GetDocumentAsync("/chat?" + query);
        Assert.DoesNotContain("Victim", list.GetElementById("chat-list")!.TextContent, StringComparison.Ordinal);
        Assert.NotNull(list.QuerySelector(".sidebar-footer a[href='/account/sign-in']"));
        using (var thread = await attacker.GetAsync($"/chat/{victimChat:D}?{query}"))
        {
            Assert.Equal(HttpStatusCode.NotFound, thread.StatusCode);
        }

        using (var account = await attacker.GetAsync("/account?" + query))
        {
            Assert.Equal(HttpStatusCode.Redirect, account.StatusCode);
        }

        // A write with the same fields in the form becomes a fresh guest's chat, never the victim's.
        var fields = names.ToDictionary(n => n, _ => victimId);
        fields["text"] = "Attacker's chat";
        using (var write = await attacker.PostAsync("/chat?" + query, fields))
        {
            Assert.Equal(HttpStatusCode.NoContent, write.StatusCode);
        }

        using (var rename = await attacker.PostAsync($"/chat/{victimChat:D}/rename?{query}", new Dictionary<string, string>(fields) { ["title"] = "pwned" }))
        {
            Assert.Equal(HttpStatusCode.NotFound, rename.StatusCode);
        }

        var victimChats = await Chats.ListChatsAsync(victimId, null, 50, CancellationToken.None);
        Assert.Equal(["Victim's private chat"], victimChats.Select(c => c.Title));
        var attackerList = await attacker.GetDocumentAsync("/chat");
        Assert.Contains("Attacker's chat", attackerList.GetElementById("chat-list")!.TextContent, StringComparison.Ordinal);
        Assert.NotNull(attackerList.QuerySelector(".sidebar-footer a[href='/account/sign-in']"));
    }

    [Fact]
    public async Task The_account_page_is_for_members_only()
    {
        using var anonymous = new GuestSession(Host);
        using (var response = await anonymous.GetAsync("/account"))
        {
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
            Assert.Equal("/account/sign-in?returnUrl=%2Faccount", response.Headers.Location!.OriginalString);
        }

        await anonymous.StartChatAsync("Now I am a guest");
        using (var response = await anonymous.GetAsync("/account"))
        {
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        }

        using (var response = await anonymous.PostAsync("/account?handler=delete", new Dictionary<string, string> { ["confirm"] = "DELETE" }))
        {
            Assert.Equal("/account/sign-in?returnUrl=%2Faccount", response.Headers.GetValues("HX-Redirect").Single());
        }

        var list = await anonymous.GetDocumentAsync("/chat");
        Assert.Contains("Now I am a guest", list.GetElementById("chat-list")!.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sign_out_needs_a_post_with_a_token_and_leaves_guests_alone()
    {
        var email = TestEmails.New("out");
        using var member = new GuestSession(Host);
        await SignUpAsync(member, "Out", email, Password);

        using (var get = await member.GetAsync("/account/sign-out"))
        {
            Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        }

        using (var forged = await member.PostAsync("/account/sign-out", withToken: false))
        {
            Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        }

        Assert.NotNull((await member.GetDocumentAsync("/account")).QuerySelector("#account-name"));

        using (var signOut = await member.PostAsync("/account/sign-out"))
        {
            Assert.Equal(HttpStatusCode.NoContent, signOut.StatusCode);
            Assert.Equal("/chat", signOut.Headers.GetValues("HX-Redirect").Single());
        }

        Assert.Null(FindCookie(member, OwnerIdentity.CookieName));

        // A guest's cookie is all that ties them to their chats: "sign out" does not throw it away.
        using var guest = new GuestSession(Host);
        await guest.StartChatAsync("Guest keeps this");
        using (var response = await guest.PostAsync("/account/sign-out"))
        {
            Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        }

        var list = await guest.GetDocumentAsync("/chat");
        Assert.Contains("Guest keeps this", list.GetElementById("chat-list")!.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_deleted_account_signs_out_its_other_sessions()
    {
        var email = TestEmails.New("other");
        using var phone = new GuestSession(Host);
        using var laptop = new GuestSession(Host);
        await SignUpAsync(phone, "Two", email, Password);
        using (var signIn = await laptop.PostAsync("/account/sign-in", new Dictionary<string, string> { ["email"] = email, ["password"] = Password, ["remember"] = "true" }))
        {
            Assert.Equal(HttpStatusCode.NoContent, signIn.StatusCode);
        }

        using (var delete = await phone.PostAsync("/account?handler=delete", new Dictionary<string, string> { ["confirm"] = "DELETE" }, currentUrl: "/account"))
        {
            Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
            Assert.Equal("/", delete.Headers.GetValues("HX-Redirect").Single());
        }

        using (var account = await laptop.GetAsync("/account"))
        {
            Assert.Equal(HttpStatusCode.Redirect, account.StatusCode);
        }

        var list = await laptop.GetDocumentAsync("/chat");
        Assert.NotNull(list.QuerySelector(".sidebar-footer a[href='/account/sign-in']"));
        Assert.Null(FindCookie(laptop, OwnerIdentity.CookieName));
    }

    [Fact]
    public async Task Display_names_are_trimmed_and_limited_to_80_characters()
    {
        using var member = new GuestSession(Host);
        await SignUpAsync(member, "Short", TestEmails.New("name"), Password);

        using (var tooLong = await member.PostAsync("/account?handler=name", new Dictionary<string, string> { ["name"] = new string('n', 81) }, currentUrl: "/account"))
        {
            Assert.Equal(HttpStatusCode.UnprocessableEntity, tooLong.StatusCode);
            var form = new HtmlParser().ParseDocument("<body>" + await tooLong.Content.ReadAsStringAsync() + "</body>");
            Assert.Equal("Use at most 80 characters for your name.", form.GetElementById("account-name-error")!.TextContent);
        }

        using (var saved = await member.PostAsync("/account?handler=name", new Dictionary<string, string> { ["name"] = "  Ada \n Lovelace " }, htmx: false))
        {
            Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        }

        var page = await member.GetDocumentAsync("/account?saved=true");
        Assert.Equal("Ada Lovelace", page.GetElementById("account-name")!.GetAttribute("value"));
        Assert.Equal("Ada Lovelace", page.GetElementById("sidebar-member-name")!.TextContent);
        Assert.Equal("Saved.", page.QuerySelector("#name-form [role=status]")!.TextContent);
    }

    private IMemberRepository Members => Host.Services.GetRequiredService<IMemberRepository>();

    private IChatRepository Chats => Host.Services.GetRequiredService<IChatRepository>();

    private static async Task SignUpAsync(GuestSession session, string name, string email, string password)
    {
        using var response = await session.PostAsync("/account/sign-up", new Dictionary<string, string> { ["name"] = name, ["email"] = email, ["password"] = password, ["remember"] = "true" });
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal("/chat", response.Headers.GetValues("HX-Redirect").Single());
    }

    private static Cookie? FindCookie(GuestSession session, string name) =>
        session.Cookies.GetAllCookies().FirstOrDefault(c => c.Name == name && !c.Expired);
}
