using System.Net;
using Microsoft.Extensions.DependencyInjection;
using OpenChat.Web.Generation;
using OpenChat.Web.Tests.Accounts;
using OpenChat.Web.Tests.Chats;
using OpenChat.Web.Tests.Infrastructure;

namespace OpenChat.Web.Tests.OpenRouter;

/// <summary>
/// Issue 12 item 3: the operator's key must not pay for unlimited replies. Each attack was written before its fix:
/// a farm of fresh guests from one address, an expensive model, and spending past the daily budget. Counted in
/// storage, so they hold on Postgres (shared by instances) as on the file store.
/// </summary>
[Trait("Category", TestCategories.Integration)]
public sealed class OperatorKeyLimitTests(PostgresDatabase db) : IClassFixture<PostgresDatabase>
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_farm_of_new_guests_from_one_address_shares_one_guest_allowance(bool postgres)
    {
        await using var openRouter = await FakeOpenRouter.StartAsync();
        using var host = new AppHost(Settings(openRouter, postgres, new()
        {
            ["Limits:GuestDailyReplies"] = "3",
            ["Limits:GuestDailyRepliesPerAddress"] = "3",
        })).Start();
        var address = postgres ? "203.0.113.31" : "203.0.113.30";

        for (var i = 1; i <= 3; i++)
        {
            using var guest = AccountHardeningTests.From(new GuestSession(host), address);
            var chatId = await guest.StartChatAsync($"free reply {i}");
            await ChatPagesTests.WaitUntilIdleAsync(guest, chatId);
        }

        using var fourth = AccountHardeningTests.From(new GuestSession(host), address);
        using var refused = await fourth.PostAsync("/chat", new Dictionary<string, string> { ["text"] = "one more, please" });
        Assert.Equal(HttpStatusCode.OK, refused.StatusCode); // the key dialog, saying why (htmx gets it with 200)
        Assert.Equal("daily", refused.Headers.GetValues("X-RateLimit-Policy").Single());
        Assert.Contains("free replies", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(3, openRouter.ChatRequests.Count);

        // A guest from another address still has theirs.
        using var neighbour = AccountHardeningTests.From(new GuestSession(host), "198.51.100.30");
        var theirs = await neighbour.StartChatAsync("my first reply");
        await ChatPagesTests.WaitUntilIdleAsync(neighbour, theirs);
    }

    [Fact]
    public async Task New_guests_from_one_address_are_limited()
    {
        await using var openRouter = await FakeOpenRouter.StartAsync();
        using var host = new AppHost(Settings(openRouter, postgres: false, new() { ["RateLimits:NewGuests:PermitLimit"] = "2" })).Start();

        for (var i = 0; i < 2; i++)
        {
            using var guest = AccountHardeningTests.From(new GuestSession(host), "203.0.113.40");
            using var saved = await guest.PostAsync("/settings/appearance", new Dictionary<string, string> { ["uiTheme"] = "dark" }, currentUrl: "/settings");
            Assert.True(saved.IsSuccessStatusCode, $"guest {i}: {saved.StatusCode}");
        }

        using var third = AccountHardeningTests.From(new GuestSession(host), "203.0.113.40");
        using var refused = await third.PostAsync("/chat", new Dictionary<string, string> { ["text"] = "a new guest again" });
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Contains("new guests", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Empty(openRouter.ChatRequests);
    }

    [Fact]
    public async Task The_operator_key_does_not_pay_for_an_expensive_model()
    {
        await using var openRouter = await FakeOpenRouter.StartAsync();
        openRouter.Models.Add(new FakeModel("openai/gpt-4o", "OpenAI: GPT-4o", "0.0000025", "0.00001", 128000, ["text", "image"]));
        using var host = new AppHost(Settings(openRouter, postgres: false, new() { ["OpenRouter:DefaultModel"] = "openai/gpt-4o" })).Start();
        using var guest = new GuestSession(host);

        using var refused = await guest.PostAsync("/chat", new Dictionary<string, string> { ["text"] = "use the big model" });

        Assert.Equal(HttpStatusCode.OK, refused.StatusCode); // the key dialog, saying why (htmx gets it with 200)
        Assert.Contains("free replies", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Empty(openRouter.ChatRequests);
    }

    [Fact]
    public async Task The_operator_key_stops_once_the_daily_budget_is_spent()
    {
        await using var openRouter = await FakeOpenRouter.StartAsync();
        using var host = new AppHost(Settings(openRouter, postgres: true, new() { ["Limits:OperatorDailyBudgetUsd"] = "0.01" })).Start();
        openRouter.EnqueueReply(FakeReply.Default() with { Cost = 0.011m });
        using var first = new GuestSession(host);
        var chatId = await first.StartChatAsync("an expensive question");
        await ChatPagesTests.WaitUntilIdleAsync(first, chatId);
        await Task.WhenAll(host.Services.GetRequiredService<GenerationRegistry>().Runs.Select(r => r.Completion));

        using var second = AccountHardeningTests.From(new GuestSession(host), "198.51.100.50");
        using var refused = await second.PostAsync("/chat", new Dictionary<string, string> { ["text"] = "and another" });

        Assert.Equal(HttpStatusCode.OK, refused.StatusCode); // the key dialog, saying why (htmx gets it with 200)
        Assert.Contains("budget", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Single(openRouter.ChatRequests);
    }

    private Dictionary<string, string?> Settings(FakeOpenRouter openRouter, bool postgres, Dictionary<string, string?> extra)
    {
        var settings = AccountsApp.Settings(openRouter);
        settings["ForwardedHeaders:KnownProxies"] = "127.0.0.1";
        if (postgres)
        {
            settings["ConnectionStrings:Postgres"] = db.ConnectionString;
        }

        foreach (var (key, value) in extra)
        {
            settings[key] = value;
        }

        return settings;
    }
}
