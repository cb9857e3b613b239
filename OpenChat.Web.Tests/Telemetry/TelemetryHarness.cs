using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using OpenChat.Web.Telemetry;
using OpenChat.Web.Tests.Chats;
using OpenChat.Web.Tests.Infrastructure;

namespace OpenChat.Web.Tests.Telemetry;

/// <summary>The app with telemetry on, pointed at a fake PostHog and a fake OpenRouter (operator key), for the event tests.</summary>
public sealed class TelemetryHarness : IAsyncDisposable
{
    public static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    /// <summary>Catalogue events no code produces yet (later issues). The coverage assertion allows exactly these to be missing.</summary>
    public static readonly IReadOnlySet<string> NotYetProduced = new HashSet<string>(StringComparer.Ordinal)
    {
    };

    /// <summary>
    /// Catalogue events produced and asserted by their own tests, because they need something the journey cannot
    /// do cheaply (stopping Postgres): the coverage assertion does not require them from the journey.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string> CoveredElsewhere = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["workspace.fallback_storage_used"] = "Storage.StorageFallbackTests",
        ["workspace.fallback_reconciled"] = "Storage.StorageFallbackTests",
    };

    /// <summary>Merged into every event (shared/telemetry.md, super properties); <c>workspace_id</c>, <c>model_id</c> and the themes only when known.</summary>
    public static readonly string[] AlwaysSuperProperties =
        ["app", "app_version", "deployment", "environment", "deployment_region", "auth_state", "has_openrouter_key", "storage_backend"];

    public static readonly string[] SuperProperties =
        [.. AlwaysSuperProperties, "workspace_id", "model_id", "ui_theme", "brand_theme"];

    private static readonly string[] SystemProperties = ["$lib", "$lib_version", "$geoip_disable", "$process_person_profile", "$set", "$set_once", "$groups"];

    private TelemetryHarness(FakePostHog postHog, FakeOpenRouter openRouter, AppHost host)
    {
        PostHog = postHog;
        OpenRouter = openRouter;
        Host = host;
    }

    public FakePostHog PostHog { get; }

    public FakeOpenRouter OpenRouter { get; }

    public AppHost Host { get; }

    public static async Task<TelemetryHarness> StartAsync(IDictionary<string, string?>? extra = null, string? apiKey = "phc_test", Action<FakeOpenRouter>? prepare = null)
    {
        var postHog = await FakePostHog.StartAsync();
        var openRouter = await FakeOpenRouter.StartAsync();
        prepare?.Invoke(openRouter);
        var settings = new Dictionary<string, string?>
        {
            ["OpenRouter:BaseUrl"] = openRouter.BaseUrl.ToString(),
            ["OpenRouter:ApiKey"] = openRouter.ValidKey,
            ["PostHog:Host"] = postHog.BaseUrl.ToString(),
            ["PostHog:ApiKey"] = apiKey,
            ["PostHog:FlushInterval"] = "00:00:00.100",
            ["PostHog:RetryBaseDelay"] = "00:00:00.020",
            ["PostHog:RateLimitedEventWindow"] = "00:00:00.200",
            ["Limits:GuestDailyReplies"] = "1000",
        };
        foreach (var (key, value) in extra ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        return new TelemetryHarness(postHog, openRouter, new AppHost(settings).Start());
    }

    public Task<ReceivedEvent> WaitForAsync(string name, Func<ReceivedEvent, bool>? match = null) =>
        PostHog.WaitForEventAsync(e => e.Event == name && (match?.Invoke(e) ?? true), Wait);

    /// <summary>Posts browser events to <c>/e</c> as the snippet does (same-origin fetch).</summary>
    public static async Task<HttpResponseMessage> PostClientEventsAsync(GuestSession visitor, object events, string site = "same-origin", string? origin = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, ClientEventIngest.Path)
        {
            Content = JsonContent.Create(events),
        };
        if (site.Length > 0)
        {
            request.Headers.Add("Sec-Fetch-Site", site);
        }

        if (origin is not null)
        {
            request.Headers.Add("Origin", origin);
        }

        return await visitor.Client.SendAsync(request);
    }

    /// <summary>Sends a message in a new chat and waits until its reply has ended (its <c>chat_message_stream</c> arrived).</summary>
    public async Task<Guid> StartChatAndWaitAsync(GuestSession visitor, string text)
    {
        var chatId = await visitor.StartChatAsync(text);
        await WaitForAsync("chat_message_stream", e => e.Property("chat_id") == chatId.ToString("D"));
        return chatId;
    }

    /// <summary>
    /// The shape every event must have: uuid, timestamp, <c>$lib</c>, the always-present super properties, <c>app</c> by origin, and
    /// no property outside the event's catalogue entry, the super properties and PostHog's own.
    /// </summary>
    public static void AssertWellFormed(ReceivedEvent e, string storageBackend = "file")
    {
        var definition = EventCatalogue.Find(e.Event);
        Assert.True(definition is not null, $"\"{e.Event}\" is not in the catalogue");
        Assert.True(Guid.TryParse(e.Uuid, out _), $"{e.Event}: uuid {e.Uuid}");
        Assert.True(DateTimeOffset.TryParse(e.Timestamp, out _), $"{e.Event}: timestamp {e.Timestamp}");
        Assert.Equal("openchat-dotnet", e.Property("$lib"));
        Assert.False(string.IsNullOrEmpty(e.Property("$lib_version")));
        Assert.Equal("true", e.Property("$geoip_disable"));
        foreach (var name in AlwaysSuperProperties.Where(n => e.DistinctId != "openchat-server" || n is not ("auth_state" or "has_openrouter_key")))
        {
            Assert.True(e.HasProperty(name), $"{e.Event} lacks super property {name}: {e.Properties}");
        }

        Assert.Equal("testing", e.Property("environment"));
        Assert.Equal("local", e.Property("deployment"));
        Assert.Equal("local", e.Property("deployment_region"));
        Assert.Equal(storageBackend, e.Property("storage_backend"));
        foreach (var property in e.Properties.EnumerateObject())
        {
            Assert.True(
                definition!.Properties.Contains(property.Name) || SuperProperties.Contains(property.Name) || SystemProperties.Contains(property.Name),
                $"{e.Event} carries \"{property.Name}\", which is neither in its catalogue entry nor a super/system property");
        }

        var authState = e.Property("auth_state");
        if (e.DistinctId != "openchat-server")
        {
            Assert.Matches("^(member|guest|anonymous)$", authState);
            if (authState == "anonymous")
            {
                Assert.False(e.HasProperty("workspace_id"), $"{e.Event}: anonymous with a workspace");
            }
            else
            {
                Assert.Equal(e.DistinctId, e.Property("workspace_id"));
                Assert.Equal(e.DistinctId, e.Properties.GetProperty("$groups").GetProperty("workspace").GetString());
            }

            Assert.Equal(authState != "member", e.Property("$process_person_profile") == "false");
        }
    }

    public static string PropertyNames(ReceivedEvent e) => string.Join(", ", e.Properties.EnumerateObject().Select(p => p.Name));

    public static JsonElement Json(string text) => JsonDocument.Parse(text).RootElement.Clone();

    public async ValueTask DisposeAsync()
    {
        Host.Dispose();
        await OpenRouter.DisposeAsync();
        await PostHog.DisposeAsync();
    }
}
