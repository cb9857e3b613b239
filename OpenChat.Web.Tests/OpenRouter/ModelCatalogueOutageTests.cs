using System.Net;
using AngleSharp.Html.Parser;
using OpenChat.Web.Tests.Chats;
using OpenChat.Web.Tests.Infrastructure;

namespace OpenChat.Web.Tests.OpenRouter;

/// <summary>The picker while OpenRouter's model list cannot be fetched: in a running app, and in one started during the outage.</summary>
[Trait("Category", TestCategories.Integration)]
public sealed class ModelCatalogueOutageTests : IAsyncLifetime, IDisposable
{
    private readonly string _dataPath = Directory.CreateTempSubdirectory("openchat-outage-").FullName;
    private FakeOpenRouter _fake = null!;

    public async Task InitializeAsync() => _fake = await FakeOpenRouter.StartAsync();

    public async Task DisposeAsync() => await _fake.DisposeAsync();

    public void Dispose() => Directory.Delete(_dataPath, recursive: true);

    [Fact]
    public async Task A_running_app_serves_its_last_good_copy_with_a_notice_and_logs_the_failure()
    {
        using var app = NewApp(cacheDuration: "00:00:00");
        using var guest = new GuestSession(app);
        Assert.Equal(3, (await DialogAsync(guest)).QuerySelectorAll("[role=option]").Length);

        _fake.ModelsStatus = 500;
        var dialog = await DialogAsync(guest);

        Assert.Equal(3, dialog.QuerySelectorAll("[role=option]").Length);
        Assert.Matches(@"^Showing the model list from \d{1,2} \w{3} \d{4}, \d\d:\d\d UTC; OpenRouter could not be reached\.$", dialog.QuerySelector(".model-notice")!.TextContent.Trim());
        Assert.Contains(app.LogLines, l => l.Contains("Fetching the model list failed: status 500, http_status, upstream 127.0.0.1, served stale True", StringComparison.Ordinal));

        // Choosing still works against the last good copy.
        using var chose = await guest.PostAsync("/models", new Dictionary<string, string> { ["model"] = "meta-llama/llama-3.3-70b-instruct" });
        Assert.True(chose.IsSuccessStatusCode, chose.StatusCode.ToString());
    }

    [Fact]
    public async Task A_fresh_app_during_an_outage_serves_the_stored_copy()
    {
        using (var before = NewApp())
        using (var guest = new GuestSession(before))
        {
            await DialogAsync(guest);
        }

        Assert.True(File.Exists(Path.Combine(_dataPath, "models.json")));
        _fake.ModelsStatus = 500;
        using var app = NewApp();
        using var visitor = new GuestSession(app);

        var dialog = await DialogAsync(visitor);

        Assert.Equal(3, dialog.QuerySelectorAll("[role=option]").Length);
        Assert.StartsWith("Showing the model list from ", dialog.QuerySelector(".model-notice")!.TextContent.Trim(), StringComparison.Ordinal);
        var dashboard = await visitor.GetDocumentAsync("/chat");
        Assert.Equal("GPT-4o-mini", dashboard.QuerySelector("#model-button .model-button-name")!.TextContent);
    }

    [Fact]
    public async Task With_no_copy_at_all_the_picker_says_so_and_the_chat_still_works()
    {
        _fake.ModelsStatus = 500;
        using var app = NewApp();
        using var guest = new GuestSession(app);

        var dialog = await DialogAsync(guest);

        Assert.Empty(dialog.QuerySelectorAll("[role=option]"));
        Assert.Equal("OpenRouter could not be reached, so the model list is unavailable. Try again in a minute.", dialog.QuerySelector(".model-notice")!.TextContent.Trim());
        using var chose = await guest.PostAsync("/models", new Dictionary<string, string> { ["model"] = "openai/gpt-4o-mini" });
        Assert.Equal(HttpStatusCode.ServiceUnavailable, chose.StatusCode);

        var chatId = await guest.StartChatAsync("Hello anyway");
        await _fake.WaitForRequestAsync(r => r.Model == "openai/gpt-4o-mini", TimeSpan.FromSeconds(15));
        var thread = await guest.GetDocumentAsync($"/chat/{chatId:D}");
        Assert.Equal("openai/gpt-4o-mini", thread.QuerySelector("#model-button .model-button-name")!.TextContent);
    }

    private AppHost NewApp(string cacheDuration = "01:00:00") => new AppHost(new Dictionary<string, string?>
    {
        ["Storage:DataPath"] = _dataPath,
        ["OpenRouter:BaseUrl"] = _fake.BaseUrl.ToString(),
        ["OpenRouter:ApiKey"] = _fake.ValidKey,
        ["OpenRouter:Catalogue:CacheDuration"] = cacheDuration,
        ["OpenRouter:Catalogue:RetryAfterFailure"] = "00:00:00",
    }).Start();

    private static async Task<AngleSharp.Dom.IDocument> DialogAsync(GuestSession guest)
    {
        using var response = await guest.GetAsync("/models", htmx: true);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return new HtmlParser().ParseDocument(await response.Content.ReadAsStringAsync());
    }
}
