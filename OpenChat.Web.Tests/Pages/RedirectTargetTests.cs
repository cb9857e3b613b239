using System.Net;
using OpenChat.Web.Tests.Chats;
using OpenChat.Web.Tests.Infrastructure;

namespace OpenChat.Web.Tests.Pages;

/// <summary>Where the app sends a browser back to, from addresses it was handed (issue 12, item 13): never a 500.</summary>
[Trait("Category", TestCategories.Integration)]
public sealed class RedirectTargetTests(ChatFixture fixture) : IClassFixture<ChatFixture>
{
    [Theory]
    [InlineData("/chat/%C3%A9t%C3%A9")]
    [InlineData("/%E2%98%83?x=%F0%9F%98%80")]
    public async Task A_member_sent_to_sign_in_with_a_non_ascii_return_address_gets_a_local_redirect(string returnUrl)
    {
        using var member = new GuestSession(fixture.Host);
        using (var signUp = await member.PostAsync("/account/sign-up", new Dictionary<string, string>
               { ["name"] = "Ana", ["email"] = $"ana-{Guid.NewGuid():N}@example.com", ["password"] = "correct horse battery staple" }))
        {
            Assert.True(signUp.IsSuccessStatusCode || signUp.StatusCode == HttpStatusCode.Redirect, $"sign-up: {(int)signUp.StatusCode}");
        }

        using var response = await member.GetAsync("/account/sign-in?returnUrl=" + Uri.EscapeDataString(Uri.UnescapeDataString(returnUrl)));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var location = response.Headers.Location!.OriginalString;
        Assert.StartsWith("/", location, StringComparison.Ordinal);
        Assert.False(location.StartsWith("//", StringComparison.Ordinal));
        Assert.True(location.All(char.IsAscii), location);
    }

    [Theory]
    [InlineData("//evil.com/")]
    [InlineData("/\\evil.com/")]
    public async Task A_referer_with_another_host_in_its_path_sends_the_form_back_to_settings(string path)
    {
        using var guest = new GuestSession(fixture.Host);
        var token = await guest.GetTokenAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/settings/appearance")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["uiTheme"] = "dark", ["brandTheme"] = "violet", ["__RequestVerificationToken"] = token }),
        };
        request.Headers.TryAddWithoutValidation("Referer", $"http://{fixture.Host.BaseAddress.Authority}{path}");

        using var response = await guest.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/settings", response.Headers.Location!.OriginalString);
    }
}
