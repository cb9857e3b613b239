using System.Net;
using System.Text.Json;
using OpenChat.Web.Tests.Chats;
using OpenChat.Web.Tests.Infrastructure;

namespace OpenChat.Web.Tests.Pages.Settings;

[Trait("Category", TestCategories.Integration)]
public sealed class SettingsTests(ChatFixture fixture) : IClassFixture<ChatFixture>
{
    [Fact]
    public async Task Theme_and_accent_persist_and_are_in_the_first_html_of_every_page()
    {
        using var guest = new GuestSession(fixture.Host);

        using var saved = await guest.PostAsync("/settings/appearance", new Dictionary<string, string> { ["uiTheme"] = "dark", ["brandTheme"] = "violet" });

        Assert.Equal(HttpStatusCode.NoContent, saved.StatusCode);
        foreach (var path in new[] { "/", "/chat", "/settings", "/privacy" })
        {
            var page = await guest.GetDocumentAsync(path);
            Assert.Equal(("dark", "violet"), (page.DocumentElement.GetAttribute("data-theme"), page.DocumentElement.GetAttribute("data-brand-theme")));
        }

        var settings = await guest.GetDocumentAsync("/settings");
        Assert.NotNull(settings.QuerySelector("input[name='uiTheme'][value='dark'][checked]"));
        Assert.NotNull(settings.QuerySelector("input[name='brandTheme'][value='violet'][checked]"));
    }

    [Theory]
    [InlineData("neon", "blue")]
    [InlineData("dark", "pink")]
    [InlineData("dark\"><script>", "blue")]
    public async Task Unknown_themes_are_refused(string theme, string brand)
    {
        using var guest = new GuestSession(fixture.Host);

        using var response = await guest.PostAsync("/settings/appearance", new Dictionary<string, string> { ["uiTheme"] = theme, ["brandTheme"] = brand });

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Equal("system", (await guest.GetDocumentAsync("/chat")).DocumentElement.GetAttribute("data-theme"));
    }

    [Fact]
    public async Task A_tampered_theme_cookie_falls_back_to_the_defaults()
    {
        using var guest = new GuestSession(fixture.Host);
        guest.Cookies.Add(fixture.Host.BaseAddress, new Cookie("oc_theme", "x\"onload.evil"));

        var page = await guest.GetDocumentAsync("/");

        Assert.Equal(("system", "blue"), (page.DocumentElement.GetAttribute("data-theme"), page.DocumentElement.GetAttribute("data-brand-theme")));
    }

    [Fact]
    public async Task Sharing_usage_data_is_on_by_default_and_can_be_turned_off()
    {
        using var guest = new GuestSession(fixture.Host);
        Assert.NotNull((await guest.GetDocumentAsync("/settings")).QuerySelector("input[name='shareUsageData'][type='checkbox'][checked]"));

        using var response = await guest.PostAsync("/settings/privacy", new Dictionary<string, string> { ["shareUsageData"] = "false" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Null((await guest.GetDocumentAsync("/settings")).QuerySelector("input[name='shareUsageData'][type='checkbox'][checked]"));
    }

    [Fact]
    public async Task Export_has_every_chat_and_message_and_delete_all_needs_the_word_delete()
    {
        using var guest = new GuestSession(fixture.Host);
        var first = await guest.StartChatAsync("Export me");
        await ChatPagesTests.WaitUntilIdleAsync(guest, first);
        var second = await guest.StartChatAsync("Me too");
        await ChatPagesTests.WaitUntilIdleAsync(guest, second);

        using var export = await guest.GetAsync("/settings/export");
        Assert.Equal("attachment", export.Content.Headers.ContentDisposition!.DispositionType);
        using var json = JsonDocument.Parse(await export.Content.ReadAsStringAsync());
        var chats = json.RootElement.GetProperty("chats").EnumerateArray().ToList();
        Assert.Equal(["Me too", "Export me"], chats.Select(c => c.GetProperty("title").GetString()));
        Assert.Equal(["user", "assistant"], chats[1].GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("role").GetString()));
        Assert.Equal("Export me", chats[1].GetProperty("messages")[0].GetProperty("content").GetString());

        using var unconfirmed = await guest.PostAsync("/settings/deletechats", new Dictionary<string, string> { ["confirm"] = "yes" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, unconfirmed.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await guest.GetAsync($"/chat/{first:D}")).StatusCode);

        using var deleted = await guest.PostAsync("/settings/deletechats", new Dictionary<string, string> { ["confirm"] = "DELETE" });
        Assert.Contains("2 chats deleted.", await deleted.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await guest.GetAsync($"/chat/{first:D}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await guest.GetAsync($"/chat/{second:D}")).StatusCode);
    }

    [Fact]
    public async Task Reading_pages_never_creates_a_guest()
    {
        using var guest = new GuestSession(fixture.Host);

        foreach (var path in new[] { "/", "/chat", "/settings", "/privacy" })
        {
            using var response = await guest.GetAsync(path);
            Assert.DoesNotContain(response.Headers.TryGetValues("Set-Cookie", out var cookies) ? cookies : [], c => c.StartsWith("oc_id=", StringComparison.Ordinal));
        }
    }
}
