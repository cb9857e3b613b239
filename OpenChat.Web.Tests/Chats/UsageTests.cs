using System.Globalization;
using AngleSharp.Html.Parser;
using OpenChat.Web.Tests.Infrastructure;

namespace OpenChat.Web.Tests.Chats;

/// <summary>Tokens and cost: under each reply, the chat's total in its header, the 30-day chart and the key's credit in settings.</summary>
[Trait("Category", TestCategories.Integration)]
public sealed class UsageTests(PostgresChatApp app) : IClassFixture<PostgresChatApp>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task Each_reply_shows_the_fakes_usage_and_cost_and_the_header_shows_the_chats_total()
    {
        using var guest = new GuestSession(app.Host);
        app.OpenRouter.EnqueueReply(FakeReply.Text("One.") with { PromptTokens = 1234, CompletionTokens = 567, Cost = 0.0012m });
        var chatId = await guest.StartChatAsync("First");
        await ChatPagesTests.WaitUntilIdleAsync(guest, chatId);
        await using var live = await guest.OpenLiveStreamAsync(chatId);
        app.OpenRouter.EnqueueReply(FakeReply.Text("Two.") with { PromptTokens = 2000, CompletionTokens = 33, Cost = 0.000345m });
        using var _ = await guest.PostAsync($"/chat/{chatId:D}", new Dictionary<string, string> { ["text"] = "Second" }, currentUrl: $"/chat/{chatId:D}");

        // The tab's header total is refreshed when the reply ends.
        var total = await live.WaitForAsync(e => e.EventType == "oob" && e.Data.Contains("id=\"chat-usage\"", StringComparison.Ordinal), Patience);
        Assert.Contains("3,234 in · 600 out · $0.001545", total.Data, StringComparison.Ordinal);

        var page = await guest.GetDocumentAsync($"/chat/{chatId:D}");
        var lines = page.QuerySelectorAll("article[data-role='assistant'] .msg-usage").Select(e => e.TextContent).ToList();
        Assert.Equal(["1,234 in · 567 out · $0.0012", "2,000 in · 33 out · $0.000345"], lines);
        Assert.Equal("This chat so far: 3,234 in · 600 out · $0.001545", page.QuerySelector("#chat-usage")!.TextContent);
    }

    [Fact]
    public async Task A_tab_that_connects_after_the_reply_ended_gets_the_new_total()
    {
        using var guest = new GuestSession(app.Host);
        var gate = new TaskCompletionSource();
        app.OpenRouter.EnqueueReply(FakeReply.Text("Late.") with { PromptTokens = 7, CompletionTokens = 3, Cost = 0.0005m, Gate = gate });
        var chatId = await guest.StartChatAsync("Slow one");
        var page = await guest.GetDocumentAsync($"/chat/{chatId:D}");
        var replyId = page.QuerySelector("article[data-status='streaming']")!.Id![2..];
        Assert.True(page.QuerySelector("#chat-usage")!.HasAttribute("hidden"));
        gate.SetResult();
        await ChatPagesTests.WaitUntilIdleAsync(guest, chatId);

        // The page showed the reply streaming; its tab's stream opens only now.
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/chat/live?chat={chatId:D}&tab=latetab01&reply={Guid.ParseExact(replyId, "N"):D}");
        using var response = await guest.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        await using var live = new GuestSession.LiveStream(response, await response.Content.ReadAsStreamAsync());
        var settled = await live.WaitForAsync(e => e.EventType == "oob" && e.Data.Contains("id=\"chat-usage\"", StringComparison.Ordinal), Patience);

        Assert.Contains("7 in · 3 out · $0.0005", settled.Data, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_chat_without_usage_has_no_total()
    {
        using var guest = new GuestSession(app.Host);
        var now = DateTimeOffset.UtcNow;
        var chatId = await guest.ImportChatAsync(ExportDocument.Of("Quiet", null, [new("user", "hello", now.AddMinutes(-1))]));

        var page = await guest.GetDocumentAsync($"/chat/{chatId:D}");

        Assert.True(page.QuerySelector("#chat-usage")!.HasAttribute("hidden"));
    }

    [Fact]
    public async Task Settings_draws_one_bar_per_day_with_usage_in_the_last_30_days()
    {
        using var guest = new GuestSession(app.Host);
        var today = DateTimeOffset.UtcNow.UtcDateTime.Date;
        DateTimeOffset Day(int daysAgo, int hour = 12) => new(today.AddDays(-daysAgo).AddHours(hour), TimeSpan.Zero);
        await guest.ImportChatAsync(ExportDocument.Of("History", "openai/gpt-4o-mini",
        [
            new("user", "long ago", Day(45)),
            new("assistant", "too old to show", Day(45).AddSeconds(1), 10, 10, 5m),
            new("user", "q", Day(20)),
            new("assistant", "a", Day(20).AddSeconds(1), 100, 50, 0.02m),
            new("user", "q", Day(3, 1)),
            new("assistant", "a", Day(3, 1).AddSeconds(1), 100, 50, 0.01m),
            new("user", "q", Day(3, 22)),
            new("assistant", "a", Day(3, 22).AddSeconds(1), 100, 50, 0.01m),
            new("user", "q", Day(0, 0)),
            new("assistant", "a", Day(0, 0).AddSeconds(1), 7, 8, 0.005m),
        ]));

        var page = await guest.GetDocumentAsync("/settings");

        var chart = page.QuerySelector("#usage svg.usage-chart")!;
        var bars = chart.QuerySelectorAll("rect.usage-bar");
        int[] daysAgo = [20, 3, 0];
        var expected = daysAgo.Select(d => today.AddDays(-d).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)).ToArray();
        Assert.Equal(expected, bars.Select(b => b.GetAttribute("data-day")).ToArray());
        var tallest = bars.MaxBy(b => double.Parse(b.GetAttribute("height")!, CultureInfo.InvariantCulture))!;
        Assert.Equal(expected[0], tallest.GetAttribute("data-day"));
        Assert.Contains("200 in · 100 out · $0.02 (2 replies)", bars[1].QuerySelector("title")!.TextContent, StringComparison.Ordinal);
        Assert.NotNull(chart.QuerySelector("title"));
        Assert.Empty(page.QuerySelectorAll("#usage [style]"));
        Assert.Contains("$0.045", page.QuerySelector("#usage figcaption")!.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Settings_without_usage_says_so()
    {
        using var guest = new GuestSession(app.Host);
        await guest.ImportChatAsync(ExportDocument.Of("Quiet", null, [new("user", "hello", DateTimeOffset.UtcNow.AddMinutes(-1))]));

        var page = await guest.GetDocumentAsync("/settings");

        Assert.Null(page.QuerySelector("#usage svg"));
        Assert.Contains("No replies with usage", page.QuerySelector("#usage")!.TextContent, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("10", "Remaining credit: $9.75.")]
    [InlineData(null, "No credit limit on this key.")]
    public async Task Settings_shows_the_keys_remaining_credit_from_openrouter(string? limit, string expected)
    {
        await using var openRouter = await FakeOpenRouter.StartAsync();
        openRouter.KeyLimit = limit is null ? null : decimal.Parse(limit, CultureInfo.InvariantCulture);
        openRouter.KeyUsage = 0.25m;
        using var host = new AppHost(new Dictionary<string, string?> { ["OpenRouter:BaseUrl"] = openRouter.BaseUrl.ToString() }).Start();
        using var guest = new GuestSession(host);
        using var saved = await guest.PostAsync("/settings/key", new Dictionary<string, string> { ["key"] = openRouter.ValidKey, ["source"] = "settings" });
        Assert.True(saved.IsSuccessStatusCode, await saved.Content.ReadAsStringAsync());

        var page = await guest.GetDocumentAsync("/settings");

        Assert.Contains(expected, page.QuerySelector(".key-credit")!.TextContent, StringComparison.Ordinal);
    }
}
