using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using OpenChat.Web.Live;
using OpenChat.Web.Tests.Chats;
using OpenChat.Web.Tests.Infrastructure;
using OpenChat.Web.Tests.Telemetry;

namespace OpenChat.Web.Tests.Platform;

/// <summary>
/// The hostile suite's resource cases: one visitor trying to make the app slow, full or noisy for everyone else
/// (deep and huge Markdown, many live streams, floods of refused requests, readiness probes, log injection).
/// Each is bounded so the suite stays fast.
/// </summary>
[Trait("Category", TestCategories.Integration)]
public sealed class HostileResourceTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task Markdown_past_the_depth_limit_from_the_model_streams_ends_complete_and_its_thread_opens()
    {
        await using var llm = await FakeOpenRouter.StartAsync();
        using var app = OperatorKeyApp(llm);
        using var guest = new GuestSession(app);
        llm.EnqueueReply(FakeReply.Text("Fine."));
        var chatId = await guest.StartChatAsync("Hello");
        await ChatPagesTests.WaitUntilIdleAsync(guest, chatId);
        await using var live = await guest.OpenLiveStreamAsync(chatId);
        var deep = new string('[', 4_000) + new string('>', 10);
        llm.EnqueueReply(FakeReply.Text("Intro.\n\n", deep[..2_000], deep[2_000..], "\n\n", "After <b>it</b>."));

        using var sent = await guest.PostAsync($"/chat/{chatId:D}", new Dictionary<string, string> { ["text"] = "Nest deeply" }, currentUrl: $"/chat/{chatId:D}");

        Assert.Equal(HttpStatusCode.OK, sent.StatusCode);
        await live.WaitForAsync(e => e.EventType == "oob" && e.Data.Contains("Nest deeply", StringComparison.Ordinal), Patience);
        var final = await live.WaitForAsync(e => e.EventType == "oob" && e.Data.Contains("data-status=\"complete\"", StringComparison.Ordinal), Patience);
        Assert.Contains("After &lt;b&gt;it&lt;/b&gt;.", final.Data, StringComparison.Ordinal);
        var page = await guest.GetDocumentAsync($"/chat/{chatId:D}");
        var replies = page.QuerySelectorAll("article[data-role='assistant']");
        var reply = replies[replies.Length - 1];
        Assert.Equal("complete", reply.GetAttribute("data-status"));
        Assert.Contains(deep, reply.TextContent, StringComparison.Ordinal);
        Assert.Empty(reply.QuerySelectorAll("b"));
    }

    [Fact]
    public async Task A_huge_crafted_reply_opens_its_thread_in_bounded_time_on_every_view()
    {
        using var app = new AppHost().Start();
        using var guest = new GuestSession(app);
        var at = DateTimeOffset.UtcNow.AddMinutes(-5);
        var crafted = string.Concat(Enumerable.Repeat("^a", 50_000)); // 100 KB: Markdig's emphasis scan grows with its square
        var ordinary = await guest.ImportChatAsync(ExportDocument.Of("Ordinary", "m", [new("user", "Hi", at), new("assistant", "**Hello**", at.AddSeconds(1))]));
        await guest.GetDocumentAsync($"/chat/{ordinary:D}"); // the first view of a thread page after start includes compiling it
        var chatId = await guest.ImportChatAsync(ExportDocument.Of("Crafted", "m", [new("user", "Hi", at), new("assistant", crafted, at.AddSeconds(1))]));

        for (var view = 1; view <= 2; view++)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            var watch = Stopwatch.StartNew();
            using var response = await guest.Client.GetAsync(new Uri($"/chat/{chatId:D}", UriKind.Relative), timeout.Token);
            var html = await response.Content.ReadAsStringAsync(timeout.Token);

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"view {view}: {watch.ElapsedMilliseconds} ms");
            Assert.Contains("^a^a^a^a", html, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Live_streams_are_capped_per_owner_and_the_oldest_are_dropped()
    {
        await using var llm = await FakeOpenRouter.StartAsync();
        using var app = OperatorKeyApp(llm);
        using var guest = new GuestSession(app);
        await guest.StartChatAsync("Hello");
        var hub = app.Services.GetRequiredService<LiveHub>();
        var streams = new List<GuestSession.LiveStream>();
        try
        {
            for (var i = 0; i < 24; i++)
            {
                streams.Add(await guest.OpenLiveStreamAsync(null));
            }

            Assert.Equal(20, hub.ConnectionCount);
            foreach (var dropped in streams.Take(4))
            {
                await Assert.ThrowsAsync<InvalidOperationException>(() => dropped.WaitForAsync(_ => false, Patience));
            }

            Assert.Equal(20, hub.ConnectionCount);
        }
        finally
        {
            foreach (var stream in streams)
            {
                await stream.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task Live_streams_are_capped_per_address_across_owners()
    {
        await using var llm = await FakeOpenRouter.StartAsync();
        using var app = OperatorKeyApp(llm, new Dictionary<string, string?> { ["Generation:MaxLiveStreamsPerAddress"] = "4" });
        var guests = new List<GuestSession>();
        var streams = new List<GuestSession.LiveStream>();
        try
        {
            for (var i = 0; i < 3; i++)
            {
                var guest = new GuestSession(app);
                guests.Add(guest);
                await guest.StartChatAsync("Hello " + i);
            }

            foreach (var guest in guests)
            {
                streams.Add(await guest.OpenLiveStreamAsync(null));
                streams.Add(await guest.OpenLiveStreamAsync(null));
            }

            Assert.Equal(4, app.Services.GetRequiredService<LiveHub>().ConnectionCount);
            foreach (var dropped in streams.Take(2))
            {
                await Assert.ThrowsAsync<InvalidOperationException>(() => dropped.WaitForAsync(_ => false, Patience));
            }
        }
        finally
        {
            foreach (var stream in streams)
            {
                await stream.DisposeAsync();
            }

            guests.ForEach(g => g.Dispose());
        }
    }

    [Fact]
    public async Task A_flood_of_refused_requests_sends_one_event_carrying_their_count()
    {
        await using var t = await TelemetryHarness.StartAsync(new Dictionary<string, string?>
        {
            ["RateLimits:Global:PermitLimit"] = "3",
            ["RateLimits:Global:Window"] = "01:00:00",
            ["PostHog:RateLimitedEventWindow"] = "00:00:01",
        });
        using var client = t.Host.CreateHttpClient();
        var watch = Stopwatch.StartNew();
        var refused = 0;
        for (var i = 0; i < 120; i++)
        {
            using var response = await client.GetAsync(new Uri("/privacy", UriKind.Relative));
            refused += response.StatusCode == HttpStatusCode.TooManyRequests ? 1 : 0;
        }

        var flood = watch.Elapsed;
        Assert.Equal(117, refused);

        // One event per window (a second here) carrying its count, however many requests were refused in it.
        await t.WaitForAsync("chat.rate_limited", _ => RefusedCounted(t.PostHog) == refused);
        var events = t.PostHog.Events.Where(e => e.Event == "chat.rate_limited").ToList();
        Assert.InRange(events.Count, 1, (int)Math.Ceiling(flood.TotalSeconds) + 1);
        Assert.All(events, e =>
        {
            Assert.Equal("global", e.Property("policy"));
            TelemetryHarness.AssertWellFormed(e);
        });
    }

    [Fact]
    public async Task Control_characters_sent_in_requests_never_reach_the_log()
    {
        using var app = new AppHost().Start();
        using var client = app.CreateHttpClient();
        const string Forged = "\nCritical Forged: admin signed in\r\nForged\u001b[31m\u2028Forged\u0085Forged\0";
        var legacy = JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["csp-report"] = new Dictionary<string, string> { ["effective-directive"] = "script-src" + Forged, ["blocked-uri"] = "inline\nForged" },
        });
        var reporting = JsonSerializer.Serialize(new[]
        {
            new { type = "csp-violation", body = new { effectiveDirective = "style-src" + Forged, blockedURL = "eval\r\nForged" } },
        });
        foreach (var (body, type) in new[] { (legacy, "application/csp-report"), (reporting, "application/reports+json") })
        {
            using var content = new StringContent(body, Encoding.UTF8);
            content.Headers.ContentType = new MediaTypeHeaderValue(type);
            using var response = await client.PostAsync(new Uri("/csp-report", UriKind.Relative), content);
            Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        }

        foreach (var path in new[] { "/chat/%0ACritical%20Forged", "/no-such/%0D%0AForged?q=%0AForged", "/chat/live?tab=%0AForged&chat=%0AForged", "/account/sign-in?returnUrl=%0D%0AForged" })
        {
            using var response = await client.GetAsync(new Uri(path, UriKind.Relative));
            Assert.True((int)response.StatusCode < 500, $"{path}: {(int)response.StatusCode}");
        }

        var shown = ProductionLogLines(app);
        Assert.Contains(shown, l => l.Contains("CSP violation: script-src", StringComparison.Ordinal));
        var forged = shown.Where(l => l.Split('\n', '\r').Skip(1).Any(line => line.Contains("Forged", StringComparison.Ordinal)) ||
                                      l.Any(c => c is '\r' or '\u001b' or '\u2028' or '\u2029' or '\u0085' or '\0')).ToList();
        Assert.True(forged.Count == 0, "Log lines forged by a request:\n" + string.Join("\n---\n", forged.Select(l => l.Replace("\u001b", "<ESC>", StringComparison.Ordinal))));
    }

    [Fact]
    public async Task A_readyz_flood_probes_storage_at_most_once_a_second()
    {
        using var app = new AppHost().Start();
        using var client = app.CreateHttpClient();
        var watch = Stopwatch.StartNew();
        var probes = new HashSet<string>(StringComparer.Ordinal);
        for (var round = 0; round < 5; round++)
        {
            var answers = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => client.GetStringAsync(new Uri("/readyz", UriKind.Relative))));
            foreach (var answer in answers)
            {
                using var document = JsonDocument.Parse(answer);
                probes.Add(document.RootElement.GetProperty("storage").GetProperty("data").GetProperty("probed_at").GetString()!);
            }
        }

        Assert.InRange(probes.Count, 1, (int)Math.Ceiling(watch.Elapsed.TotalSeconds) + 1);
    }

    [Fact]
    public async Task Readyz_is_rate_limited_per_client()
    {
        using var app = new AppHost(new Dictionary<string, string?> { ["Health:ReadyPermitLimit"] = "5", ["Health:ReadyWindow"] = "01:00:00" }).Start();
        using var client = app.CreateHttpClient();
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 8; i++)
        {
            using var response = await client.GetAsync(new Uri("/readyz", UriKind.Relative));
            statuses.Add(response.StatusCode);
        }

        Assert.Equal(Enumerable.Repeat(HttpStatusCode.OK, 5).Concat(Enumerable.Repeat(HttpStatusCode.TooManyRequests, 3)), statuses);
        using var alive = await client.GetAsync(new Uri("/healthz", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, alive.StatusCode);
    }

    [Fact]
    public async Task Readyz_keeps_its_detail_for_the_machine_itself_and_holders_of_the_token()
    {
        const string Token = "readiness-detail-token-for-tests";
        using var app = new AppHost(new Dictionary<string, string?> { ["Health:DetailToken"] = Token }).Start();
        using var client = app.CreateHttpClient();

        using var remote = await ReadyAsync(client, forwardedFor: "203.0.113.9", token: null);
        using var remoteWithToken = await ReadyAsync(client, forwardedFor: "203.0.113.9", token: Token);
        using var remoteWithWrongToken = await ReadyAsync(client, forwardedFor: "203.0.113.9", token: Token + "x");
        using var local = await ReadyAsync(client, forwardedFor: null, token: null);

        Assert.Equal(["status"], remote.RootElement.EnumerateObject().Select(p => p.Name));
        Assert.Equal("healthy", remote.RootElement.GetProperty("status").GetString());
        Assert.Equal(["status"], remoteWithWrongToken.RootElement.EnumerateObject().Select(p => p.Name));
        Assert.Equal("file", remoteWithToken.RootElement.GetProperty("storage").GetProperty("data").GetProperty("storage_backend").GetString());
        Assert.Equal("file", local.RootElement.GetProperty("storage").GetProperty("data").GetProperty("storage_backend").GetString());
    }

    /// <summary>What a production log shows (appsettings.json): the app's own categories from Information, the framework's from Warning.</summary>
    internal static List<string> ProductionLogLines(AppHost app) =>
        app.LogLines.Where(l => l.StartsWith("Information OpenChat", StringComparison.Ordinal) || l.StartsWith("Warning ", StringComparison.Ordinal) ||
                                l.StartsWith("Error ", StringComparison.Ordinal) || l.StartsWith("Critical ", StringComparison.Ordinal)).ToList();

    private static int RefusedCounted(FakePostHog postHog) =>
        postHog.Events.Where(e => e.Event == "chat.rate_limited").Sum(e => int.Parse(e.Property("refused_count") ?? "1", System.Globalization.CultureInfo.InvariantCulture));

    private static async Task<JsonDocument> ReadyAsync(HttpClient client, string? forwardedFor, string? token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/readyz", UriKind.Relative));
        if (forwardedFor is not null)
        {
            request.Headers.Add("X-Forwarded-For", forwardedFor);
        }

        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync());
    }

    private static AppHost OperatorKeyApp(FakeOpenRouter llm, Dictionary<string, string?>? extra = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["OpenRouter:BaseUrl"] = llm.BaseUrl.ToString(),
            ["OpenRouter:ApiKey"] = llm.ValidKey,
            ["Limits:GuestDailyReplies"] = "1000",
        };
        foreach (var (key, value) in extra ?? [])
        {
            settings[key] = value;
        }

        return new AppHost(settings).Start();
    }
}
