using System.Net;
using System.Text.Json.Nodes;
using OpenChat.Web.Tests.Infrastructure;

namespace OpenChat.Web.Tests.Chats;

/// <summary>
/// Import amplification (issue 12, item 8): what one owner may keep (chats, messages, bytes of text) and how often
/// they may import. Small quotas here; the defaults are in the README.
/// </summary>
[Trait("Category", TestCategories.Integration)]
public sealed class ImportLimitsTests
{
    private static string Turns(string title, int count, int length = 10)
    {
        var start = DateTimeOffset.UtcNow.AddDays(-1);
        return ExportDocument.Of(title, null, Enumerable.Range(0, count).Select(i => new ExportDocument.Turn(i % 2 == 0 ? "user" : "assistant", new string('m', length), start.AddSeconds(i))));
    }

    private static string ManyChats(int chats)
    {
        var document = JsonNode.Parse(Turns("one", 1))!;
        var list = document["chats"]!.AsArray();
        for (var i = 1; i < chats; i++)
        {
            list.Add(list[0]!.DeepClone());
        }

        return document.ToJsonString();
    }

    /// <summary>A guest from the start (the first write makes one, and antiforgery tokens belong to the identity).</summary>
    private static async Task<GuestSession> GuestAsync(AppHost app)
    {
        var guest = new GuestSession(app);
        using var appearance = await guest.PostAsync("/settings/appearance", new Dictionary<string, string> { ["uiTheme"] = "dark", ["brandTheme"] = "violet" });
        Assert.True(appearance.IsSuccessStatusCode);
        return guest;
    }

    private static async Task AssertRefusedAsync(HttpResponseMessage response, string sentence)
    {
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var page = new AngleSharp.Html.Parser.HtmlParser().ParseDocument(await response.Content.ReadAsStringAsync());
        Assert.Contains(sentence, page.QuerySelector("#data [role='alert']")!.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_import_that_would_pass_the_message_quota_is_refused_and_nothing_is_imported()
    {
        using var app = new AppHost(new Dictionary<string, string?> { ["Quotas:Messages"] = "100" }).Start();
        using var guest = await GuestAsync(app);
        await guest.ImportChatAsync(Turns("first", 60));

        using var response = await guest.ImportAsync(Turns("second", 60));

        await AssertRefusedAsync(response, "100 messages");
        Assert.Single((await guest.GetDocumentAsync("/chat")).QuerySelectorAll("#chat-list .chat-item"));
    }

    [Fact]
    public async Task An_import_that_would_pass_the_chat_or_text_quota_is_refused()
    {
        using var app = new AppHost(new Dictionary<string, string?> { ["Quotas:Chats"] = "2", ["Quotas:TextBytes"] = "20000" }).Start();
        using var guest = await GuestAsync(app);

        using (var chats = await guest.ImportAsync(ManyChats(3)))
        {
            await AssertRefusedAsync(chats, "2 chats");
        }

        using (var text = await guest.ImportAsync(Turns("long", 3, length: 10_000)))
        {
            await AssertRefusedAsync(text, "20,000 bytes");
        }

        Assert.Empty((await guest.GetDocumentAsync("/chat")).QuerySelectorAll("#chat-list .chat-item"));
    }

    [Fact]
    public async Task Imports_are_rate_limited_per_address()
    {
        using var app = new AppHost(new Dictionary<string, string?> { ["RateLimits:Import:PermitLimit"] = "2" }).Start();
        using var guest = await GuestAsync(app);
        await guest.ImportChatAsync(Turns("a", 2));
        await guest.ImportChatAsync(Turns("b", 2));

        using var third = await guest.ImportAsync(Turns("c", 2));

        Assert.Equal(HttpStatusCode.TooManyRequests, third.StatusCode);
        Assert.True(third.Headers.RetryAfter is not null);
        Assert.Equal(2, (await guest.GetDocumentAsync("/chat")).QuerySelectorAll("#chat-list .chat-item").Length);
    }
}
