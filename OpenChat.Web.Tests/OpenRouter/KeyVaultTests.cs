using System.Net;
using AngleSharp.Html.Parser;
using OpenChat.Web.Tests.Chats;
using OpenChat.Web.Tests.Infrastructure;

namespace OpenChat.Web.Tests.OpenRouter;

/// <summary>Saving, using and removing an owner's OpenRouter key; the operator key's daily limits.</summary>
[Trait("Category", TestCategories.Integration)]
public sealed class KeyVaultTests : IAsyncLifetime
{
    private const string OperatorKey = "sk-or-v1-operator-key-for-tests";
    private FakeOpenRouter _openRouter = null!;
    private AppHost _host = null!;

    public async Task InitializeAsync()
    {
        _openRouter = await FakeOpenRouter.StartAsync();
        _host = new AppHost(new Dictionary<string, string?>
        {
            ["OpenRouter:BaseUrl"] = _openRouter.BaseUrl.ToString(),
            ["OpenRouter:ApiKey"] = OperatorKey,
        }).Start();
    }

    public async Task DisposeAsync()
    {
        _host.Dispose();
        await _openRouter.DisposeAsync();
    }

    [Fact]
    public async Task A_key_OpenRouter_rejects_is_not_stored_and_the_dialog_says_why()
    {
        using var guest = new GuestSession(_host);

        using var response = await guest.PostAsync("/settings/key", new Dictionary<string, string> { ["key"] = "sk-or-v1-not-a-real-key", ["source"] = "modal" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode); // the dialog again, saying why (an htmx answer, not an error in the console)
        Assert.Contains("That key was not accepted by OpenRouter", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var settings = await guest.GetDocumentAsync("/settings");
        Assert.DoesNotContain("Key saved on", settings.QuerySelector("#key")!.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task When_OpenRouter_cannot_be_reached_the_key_is_not_stored()
    {
        using var host = new AppHost(new Dictionary<string, string?> { ["OpenRouter:BaseUrl"] = AppHost.UnreachableUrl + "api/v1" }).Start();
        using var guest = new GuestSession(host);

        using var response = await guest.PostAsync("/settings/key", new Dictionary<string, string> { ["key"] = "sk-or-v1-0123456789abcdef", ["source"] = "settings" });

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Contains("could not be reached", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var settings = await guest.GetDocumentAsync("/settings");
        Assert.DoesNotContain("Key saved on", settings.QuerySelector("#key")!.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_saved_key_pays_for_replies_is_shown_only_as_a_date_and_never_appears_in_any_page_or_log()
    {
        using var guest = new GuestSession(_host);
        using var saved = await guest.PostAsync("/settings/key", new Dictionary<string, string> { ["key"] = "  " + _openRouter.ValidKey + " ", ["source"] = "modal" });
        Assert.Equal(HttpStatusCode.OK, saved.StatusCode);

        var chatId = await guest.StartChatAsync("Use my key");
        await ChatPagesTests.WaitUntilIdleAsync(guest, chatId);
        var request = await _openRouter.WaitForRequestAsync(r => r.Body.Contains("Use my key", StringComparison.Ordinal), TimeSpan.FromSeconds(15));
        Assert.Equal($"Bearer {_openRouter.ValidKey}", request.Authorization);

        var settings = await guest.GetDocumentAsync("/settings");
        Assert.Contains("Key saved on", settings.QuerySelector("#key")!.TextContent, StringComparison.Ordinal);

        var bodies = new List<string>();
        foreach (var path in new[] { "/", "/chat", $"/chat/{chatId:D}", "/settings", "/settings/keydialog", "/settings/export", "/chat/list", $"/chat/{chatId:D}/rename", $"/chat/{chatId:D}/delete", "/privacy" })
        {
            foreach (var htmx in new[] { false, true })
            {
                using var response = await guest.GetAsync(path, htmx);
                bodies.Add(string.Join('\n', response.Headers.Select(h => $"{h.Key}: {string.Join(",", h.Value)}")) + "\n" + await response.Content.ReadAsStringAsync());
            }
        }

        await using (var live = await guest.OpenLiveStreamAsync(chatId))
        {
            using var again = await guest.PostAsync($"/chat/{chatId:D}", new Dictionary<string, string> { ["text"] = "Once more" }, currentUrl: $"/chat/{chatId:D}");
            var final = await live.WaitForAsync(e => e.Data.Contains("data-status=\"complete\"", StringComparison.Ordinal), TimeSpan.FromSeconds(15));
            bodies.AddRange(live.Received.Select(e => e.Data));
        }

        Assert.All(bodies, body => Assert.DoesNotContain(_openRouter.ValidKey, body, StringComparison.Ordinal));
        Assert.DoesNotContain(_host.LogLines, line => line.Contains(_openRouter.ValidKey, StringComparison.Ordinal));
        var files = Directory.GetFiles(_host.DataPath, "*", SearchOption.AllDirectories);
        Assert.All(files, file => Assert.False(ReadIfStillThere(file).Contains(_openRouter.ValidKey, StringComparison.Ordinal), $"{file} holds the key"));
    }

    [Fact]
    public async Task Removing_the_key_goes_back_to_the_operator_key()
    {
        using var guest = new GuestSession(_host);
        await guest.PostAsync("/settings/key", new Dictionary<string, string> { ["key"] = _openRouter.ValidKey, ["source"] = "settings" });

        using var removed = await guest.PostAsync("/settings/removekey");
        var chatId = await guest.StartChatAsync("Which key now?");
        var request = await _openRouter.WaitForRequestAsync(r => r.Body.Contains("Which key now?", StringComparison.Ordinal), TimeSpan.FromSeconds(15));

        Assert.Equal(HttpStatusCode.OK, removed.StatusCode);
        Assert.Contains("Key removed.", await removed.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal($"Bearer {OperatorKey}", request.Authorization);
        await ChatPagesTests.WaitUntilIdleAsync(guest, chatId);
    }

    [Fact]
    public async Task The_21st_guest_reply_on_the_operator_key_is_refused_with_the_key_dialog()
    {
        using var guest = new GuestSession(_host);
        var chatId = await guest.StartChatAsync("reply 1");
        await ChatPagesTests.WaitUntilIdleAsync(guest, chatId);
        for (var i = 2; i <= 20; i++)
        {
            using var sent = await guest.PostAsync($"/chat/{chatId:D}", new Dictionary<string, string> { ["text"] = $"reply {i}" });
            Assert.Equal(HttpStatusCode.OK, sent.StatusCode);
            await ChatPagesTests.WaitUntilIdleAsync(guest, chatId);
        }

        using var refused = await guest.PostAsync($"/chat/{chatId:D}", new Dictionary<string, string> { ["text"] = "reply 21" });

        Assert.Equal(HttpStatusCode.OK, refused.StatusCode); // the key dialog, saying why
        Assert.Equal("daily", refused.Headers.GetValues("X-RateLimit-Policy").Single());
        var dialog = new HtmlParser().ParseDocument(await refused.Content.ReadAsStringAsync());
        Assert.Contains("You've used today's free replies. They reset at 00:00 UTC — or add your own OpenRouter key to keep chatting.", dialog.QuerySelector("dialog#key-dialog")!.TextContent, StringComparison.Ordinal);
        var page = await guest.GetDocumentAsync($"/chat/{chatId:D}");
        Assert.Equal(20, page.QuerySelectorAll("article[data-role='user']").Length);

        // Their own key lifts the limit.
        await guest.PostAsync("/settings/key", new Dictionary<string, string> { ["key"] = _openRouter.ValidKey, ["source"] = "modal" });
        using var accepted = await guest.PostAsync($"/chat/{chatId:D}", new Dictionary<string, string> { ["text"] = "reply 21" });
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        await ChatPagesTests.WaitUntilIdleAsync(guest, chatId);
    }

    /// <summary>Temporary files and streaming markers come and go while the app works.</summary>
    private static string ReadIfStillThere(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (IOException)
        {
            // Gone (FileNotFoundException) or still being written under an exclusive lock (a temporary file).
            return string.Empty;
        }
    }
}
