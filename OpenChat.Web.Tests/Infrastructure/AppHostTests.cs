using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OpenChat.Web.OpenRouter;

namespace OpenChat.Web.Tests.Infrastructure;

[Trait("Category", TestCategories.Integration)]
public sealed class AppHostTests
{
    [Fact]
    public void The_app_does_not_watch_its_settings_files()
    {
        using var app = new AppHost().Start();

        var root = (Microsoft.Extensions.Configuration.IConfigurationRoot)app.Services.GetRequiredService<Microsoft.Extensions.Configuration.IConfiguration>();
        var files = root.Providers.OfType<Microsoft.Extensions.Configuration.FileConfigurationProvider>().ToList();
        Assert.NotEmpty(files);
        Assert.All(files, f => Assert.False(f.Source.ReloadOnChange, $"{f.Source.Path} is watched"));
    }

    [Fact]
    public async Task Healthz_answers_over_a_real_socket()
    {
        using var app = new AppHost().Start();

        Assert.Equal("127.0.0.1", app.BaseAddress.Host);
        Assert.NotEqual(0, app.BaseAddress.Port);
        Assert.IsNotType<TestServer>(app.Services.GetRequiredService<IServer>());

        using var client = app.CreateHttpClient();
        using var response = await client.GetAsync(new Uri("healthz", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        // A raw TCP client proves the port is a real listener (what Chromium needs).
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, app.BaseAddress.Port);
        await using var stream = tcp.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes($"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1:{app.BaseAddress.Port}\r\nConnection: close\r\n\r\n"));
        using var reader = new StreamReader(stream, Encoding.ASCII);
        Assert.StartsWith("HTTP/1.1 200", await reader.ReadLineAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateClient_also_goes_over_the_socket()
    {
        using var app = new AppHost().Start();
        var before = ConnectionLines(app);

        using var client = app.CreateClient();
        Assert.Equal(app.BaseAddress, client.BaseAddress);
        using var response = await client.GetAsync(new Uri("healthz", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(ConnectionLines(app) > before, "Kestrel logged no new connection: the request did not go over a socket.");
    }

    [Fact]
    public async Task LogLines_capture_the_apps_logging()
    {
        using var app = new AppHost().Start();
        using var client = app.CreateHttpClient();
        using var response = await client.GetAsync(new Uri("/", UriKind.Relative));

        var lines = app.LogLines;
        Assert.NotEmpty(lines);
        Assert.Contains(lines, l => l.Contains("Storage: files in", StringComparison.Ordinal) && l.Contains(app.DataPath, StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("Microsoft.AspNetCore.Hosting.Diagnostics", StringComparison.Ordinal) && l.Contains("GET", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Two_hosts_run_at_once_on_different_ports()
    {
        using var one = new AppHost().Start();
        using var two = new AppHost().Start();

        Assert.NotEqual(one.BaseAddress.Port, two.BaseAddress.Port);
        Assert.NotEqual(one.DataPath, two.DataPath);
        using var c1 = one.CreateHttpClient();
        using var c2 = two.CreateHttpClient();
        var responses = await Task.WhenAll(c1.GetAsync(new Uri("healthz", UriKind.Relative)), c2.GetAsync(new Uri("healthz", UriKind.Relative)));
        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
    }

    [Fact]
    public void Settings_reach_the_app_and_defaults_keep_it_offline()
    {
        using var app = new AppHost(new Dictionary<string, string?> { ["OpenRouter:DefaultModel"] = "fake/model-x" }).Start();
        var options = app.Services.GetRequiredService<IOptions<OpenRouterOptions>>().Value;

        Assert.Equal("fake/model-x", options.DefaultModel);
        Assert.Equal("127.0.0.1", options.BaseUrl.Host);
        Assert.True(string.IsNullOrEmpty(options.ApiKey));
    }

    [Fact]
    public void DataPath_is_a_fresh_folder_deleted_on_dispose()
    {
        var app = new AppHost().Start();
        var path = app.DataPath;
        Assert.True(Directory.Exists(path));
        app.Dispose();
        Assert.False(Directory.Exists(path));
    }

    [Fact]
    public async Task Static_assets_are_served()
    {
        using var app = new AppHost().Start();
        using var client = app.CreateHttpClient();
        using var response = await client.GetAsync(new Uri("lib/htmx/htmx.min.js", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private static int ConnectionLines(AppHost app) =>
        app.LogLines.Count(l => l.Contains("Microsoft.AspNetCore.Server.Kestrel.Connections", StringComparison.Ordinal) && l.Contains("started", StringComparison.OrdinalIgnoreCase));
}

[Trait("Category", TestCategories.Integration)]
public sealed class AppHostOnPostgresTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>
{
    [Fact]
    public async Task App_migrates_a_fresh_database_and_is_ready()
    {
        using var app = new AppHost(new Dictionary<string, string?> { ["ConnectionStrings:Postgres"] = database.ConnectionString }).Start();
        using var client = app.CreateHttpClient();
        using var response = await client.GetAsync(new Uri("readyz", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(app.LogLines, l => l.Contains("Storage: Postgres", StringComparison.Ordinal));
    }
}

[CollectionDefinition(nameof(ProcessEnvironmentCollection), DisableParallelization = true)]
public sealed class ProcessEnvironmentCollection;

/// <summary>Changes process environment variables, so it runs alone (after the parallel tests).</summary>
[Collection(nameof(ProcessEnvironmentCollection))]
[Trait("Category", TestCategories.Integration)]
public sealed class AppHostEnvironmentIsolationTests
{
    [Fact]
    public void Test_settings_beat_a_developers_environment_variables()
    {
        string[] names = ["OPENROUTER_API_KEY", "OPENROUTER_BASE_URL", "DATABASE_URL", "POSTHOG_API_KEY"];
        var saved = names.ToDictionary(n => n, Environment.GetEnvironmentVariable);
        try
        {
            Environment.SetEnvironmentVariable("OPENROUTER_API_KEY", "sk-or-v1-from-the-environment");
            Environment.SetEnvironmentVariable("OPENROUTER_BASE_URL", "https://openrouter.example/api/v1");
            Environment.SetEnvironmentVariable("DATABASE_URL", "postgres://u:p@db.example:5432/prod");
            Environment.SetEnvironmentVariable("POSTHOG_API_KEY", "phc_from_the_environment");

            using var app = new AppHost(new Dictionary<string, string?> { ["OpenRouter:ApiKey"] = "sk-or-v1-from-the-test" }).Start();
            var openRouter = app.Services.GetRequiredService<IOptions<OpenRouterOptions>>().Value;
            var storage = app.Services.GetRequiredService<IOptions<OpenChat.Web.Hosting.StorageOptions>>().Value;
            var postHog = app.Services.GetRequiredService<IOptions<OpenChat.Web.Telemetry.PostHogOptions>>().Value;

            Assert.Equal("sk-or-v1-from-the-test", openRouter.ApiKey);
            Assert.Equal("127.0.0.1", openRouter.BaseUrl.Host);
            Assert.Equal(OpenChat.Web.Hosting.StorageBackend.File, storage.Backend);
            Assert.Equal(app.DataPath, storage.DataPath);
            Assert.False(postHog.Enabled);
        }
        finally
        {
            foreach (var (name, value) in saved)
            {
                Environment.SetEnvironmentVariable(name, value);
            }
        }
    }
}

[Trait("Category", TestCategories.Integration)]
public sealed class AppHostStartFailureTests
{
    [Fact]
    public void A_host_that_fails_to_start_cleans_up_its_data_folder()
    {
        var app = new AppHost(new Dictionary<string, string?> { ["OpenRouter:MaxOutputTokens"] = "0" }); // fails options validation on start
        var path = app.DataPath;

        Assert.ThrowsAny<Exception>(() => app.Start());

        Assert.False(Directory.Exists(path));
    }
}
