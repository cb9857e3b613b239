using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenChat.Web.Telemetry;
using OpenChat.Web.Tests.Infrastructure;

namespace OpenChat.Web.Tests.Telemetry;

/// <summary>The telemetry client as the app registers it: on with a key, off without one, flushed on shutdown, counters on /readyz.</summary>
[Trait("Category", TestCategories.Integration)]
public sealed class TelemetryAppTests : IAsyncLifetime
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(15);
    private FakePostHog _fake = null!;

    public async Task InitializeAsync() => _fake = await FakePostHog.StartAsync();

    public async Task DisposeAsync() => await _fake.DisposeAsync();

    private Dictionary<string, string?> Settings(string? apiKey) => new()
    {
        ["PostHog:Host"] = _fake.BaseUrl.ToString(),
        ["PostHog:ApiKey"] = apiKey,
        ["PostHog:FlushInterval"] = "00:00:00.100",
        ["PostHog:RetryBaseDelay"] = "00:00:00.020",
    };

    [Fact]
    public async Task Without_an_api_key_the_client_is_disabled_and_nothing_is_sent_queued_or_running()
    {
        var app = new AppHost(Settings(apiKey: null)).Start();
        var client = app.Services.GetRequiredService<IPostHogClient>();
        Assert.Same(DisabledPostHogClient.Instance, client);
        Assert.False(client.IsEnabled);
        var hosted = app.Services.GetServices<IHostedService>().OfType<TelemetryHostedService>().Single();
        Assert.False(hosted.IsRunning);

        client.Capture(new TelemetryEvent("chat.created", "guest_1").With("chat_id", "c1"));
        await client.FlushAsync();
        using (var http = app.CreateHttpClient())
        {
            using var page = await http.GetAsync(new Uri("/", UriKind.Relative));
        }

        Assert.Equal(default, client.Counters);
        app.Dispose(); // a stop would flush if anything were queued
        Assert.Equal(0, _fake.RequestCount);
        Assert.DoesNotContain(app.LogLines, l => l.Contains("PostHog telemetry on", StringComparison.Ordinal));
    }

    [Fact]
    public async Task With_an_api_key_the_app_sends_captured_events_to_the_configured_host()
    {
        using var app = new AppHost(Settings("phc_app_key")).Start();
        var client = app.Services.GetRequiredService<IPostHogClient>();
        Assert.IsType<PostHogClient>(client);
        Assert.True(app.Services.GetServices<IHostedService>().OfType<TelemetryHostedService>().Single().IsRunning);

        client.Capture(new TelemetryEvent("chat.created", "guest_1").With("chat_id", "c1"));

        var received = await _fake.WaitForEventAsync(e => e.Event == "chat.created", Wait);
        Assert.Equal("phc_app_key", received.ApiKey);
        Assert.Equal("c1", received.Property("chat_id"));
        Assert.DoesNotContain(app.LogLines, l => l.Contains("phc_app_key", StringComparison.Ordinal));
    }

    [Fact]
    public void Events_captured_just_before_the_host_stops_are_flushed()
    {
        var settings = Settings("phc_test");
        settings["PostHog:FlushInterval"] = "00:10:00"; // only the shutdown flush can send them
        var app = new AppHost(settings).Start();
        var client = app.Services.GetRequiredService<IPostHogClient>();
        for (var i = 0; i < 3; i++)
        {
            client.Capture(new TelemetryEvent("auth.sign_out", $"member_{i}"));
        }

        Assert.Equal(0, _fake.RequestCount);
        app.Dispose(); // returns after the final flush

        Assert.Equal(["member_0", "member_1", "member_2"], _fake.Events.Select(e => e.DistinctId));
        Assert.Contains(app.LogLines, l => l.StartsWith("Information", StringComparison.Ordinal)
            && l.Contains("PostHog telemetry stopped: captured 3, queued 0, sent 3", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Readyz_shows_the_telemetry_counters()
    {
        using var app = new AppHost(Settings("phc_test")).Start();
        var client = app.Services.GetRequiredService<IPostHogClient>();
        client.Capture(new TelemetryEvent("chat.created", "guest_1"));
        client.Capture(new TelemetryEvent("chat.renamed", "guest_1"));
        await client.FlushAsync();

        using var http = app.CreateHttpClient();
        using var doc = JsonDocument.Parse(await http.GetStringAsync(new Uri("/readyz", UriKind.Relative)));

        var telemetry = doc.RootElement.GetProperty("telemetry");
        Assert.Equal("healthy", telemetry.GetProperty("status").GetString());
        var data = telemetry.GetProperty("data");
        Assert.True(data.GetProperty("enabled").GetBoolean());
        Assert.Equal(0, data.GetProperty("queued").GetInt64());
        Assert.Equal(2, data.GetProperty("sent").GetInt64());
        Assert.Equal(0, data.GetProperty("dropped").GetInt64());
        Assert.Equal(0, data.GetProperty("failed").GetInt64());
    }

    [Fact]
    public async Task Readyz_says_telemetry_is_off_without_a_key_and_stays_ready()
    {
        using var app = new AppHost(Settings(apiKey: "")).Start();
        using var http = app.CreateHttpClient();

        using var response = await http.GetAsync(new Uri("/readyz", UriKind.Relative));
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        Assert.True(response.IsSuccessStatusCode);
        var telemetry = doc.RootElement.GetProperty("telemetry");
        Assert.Equal("healthy", telemetry.GetProperty("status").GetString());
        Assert.False(telemetry.GetProperty("data").GetProperty("enabled").GetBoolean());
        Assert.Equal(0, telemetry.GetProperty("data").GetProperty("sent").GetInt64());
    }

    [Theory]
    [InlineData("PostHog:QueueCapacity", "0")]
    [InlineData("PostHog:BatchSize", "0")]
    [InlineData("PostHog:FlushInterval", "00:00:00")]
    [InlineData("PostHog:RequestTimeout", "-00:00:01")]
    [InlineData("PostHog:MaxRetries", "-1")]
    public void A_bad_telemetry_setting_stops_start_up_naming_it(string setting, string value)
    {
        var settings = Settings("phc_test");
        settings[setting] = value;
        using var host = new AppHost(settings);

        var error = Assert.ThrowsAny<Exception>(() => host.Start());

        // The host logs why it failed to start; the exception that reaches the caller is sometimes the factory's own
        // ObjectDisposedException from cleaning up the half-started host instead of the validation error.
        Assert.True(
            error.ToString().Contains(setting, StringComparison.Ordinal) || host.LogLines.Any(l => l.Contains(setting, StringComparison.Ordinal)),
            $"neither the start-up error nor the log names {setting}:\n{error}\n{string.Join('\n', host.LogLines)}");
    }
}
