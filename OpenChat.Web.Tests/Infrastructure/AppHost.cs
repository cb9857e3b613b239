using System.Collections.Concurrent;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace OpenChat.Web.Tests.Infrastructure;

/// <summary>
/// The app on a real Kestrel socket on loopback (so Chromium and plain HttpClients can reach it), with its own temp data folder
/// and every log line captured in <see cref="LogLines"/>.
/// <para>
/// Settings: <c>Storage:DataPath</c> = <see cref="DataPath"/>; and, so a test never reaches the internet or picks up a developer's
/// environment (<c>OPENROUTER_API_KEY</c>, <c>DATABASE_URL</c>, ...), <c>ConnectionStrings:Postgres</c> = "" (file store),
/// <c>OpenRouter:ApiKey</c> = "", <c>OpenRouter:BaseUrl</c> and <c>PostHog:Host</c> = a closed loopback port, <c>PostHog:ApiKey</c> = "";
/// and rate limits (<c>RateLimits:*</c>) so high that only tests about them meet one (ingest keeps its real 60 a minute).
/// Anything in <c>settings</c> overrides these.
/// </para>
/// </summary>
public sealed class AppHost : WebApplicationFactory<Program>
{
    /// <summary>A loopback URL nothing listens on (port 9, discard): requests to it fail fast with "connection refused".</summary>
    public const string UnreachableUrl = "http://127.0.0.1:9/";

    private readonly Dictionary<string, string?> _settings;
    private readonly string _environment;
    private readonly ConcurrentQueue<string> _logLines = new();
    private readonly ConcurrentBag<HttpClient> _clients = [];
    private readonly Lock _startGate = new();
    private Uri? _baseAddress;
    private bool _deleted;

    static AppHost()
    {
        // Each app would watch its appsettings files: one inotify instance per file, and the machine allows 128 per user
        // across every process. Hundreds of short-lived apps in one run ran out ("inotify instances has been reached");
        // no test edits appsettings files while an app runs.
        Environment.SetEnvironmentVariable("DOTNET_hostBuilder__reloadConfigOnChange", "false");
    }

    /// <summary>Tests send far more from 127.0.0.1 than a person would; rate limit tests set small limits of their own.</summary>
    public static readonly IReadOnlyDictionary<string, string?> GenerousRateLimits = new Dictionary<string, string?>
    {
        ["RateLimits:Global:PermitLimit"] = "1000000",
        ["RateLimits:Send:PermitLimit"] = "1000000",
        ["RateLimits:Send:GuestPermitLimit"] = "1000000",
        ["RateLimits:Send:Burst"] = "1000000",
        ["RateLimits:RunningReplies:PermitLimit"] = "1000",
        ["RateLimits:SignIn:PermitLimit"] = "1000000",
        ["RateLimits:SignUp:PermitLimit"] = "1000000",
        ["RateLimits:KeySave:PermitLimit"] = "1000000",
        ["RateLimits:Import:PermitLimit"] = "1000000",
        ["RateLimits:SignInPerAddress:PermitLimit"] = "1000000",
        ["RateLimits:NewGuests:PermitLimit"] = "1000000",

        // Not request rates, but counted per address all the same: every test's visitor is 127.0.0.1.
        ["Limits:GuestDailyRepliesPerAddress"] = "1000000",
        ["Limits:DailyRepliesPerAddress"] = "1000000",
        ["Health:ReadyPermitLimit"] = "1000000",
    };

    public AppHost(IReadOnlyDictionary<string, string?>? settings = null, string environment = "Testing")
    {
        _environment = environment;
        DataPath = System.IO.Directory.CreateTempSubdirectory("openchat-data-").FullName;
        _settings = new(StringComparer.OrdinalIgnoreCase)
        {
            ["Storage:DataPath"] = DataPath,
            ["ConnectionStrings:Postgres"] = "",
            ["OpenRouter:BaseUrl"] = UnreachableUrl + "api/v1",
            ["OpenRouter:ApiKey"] = "",
            ["PostHog:Host"] = UnreachableUrl,
            ["PostHog:ApiKey"] = "",
        };
        foreach (var (key, value) in GenerousRateLimits)
        {
            _settings[key] = value;
        }

        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            _settings[key] = value;
        }

        // Before anything can build the host: every way in (Start, CreateClient, Services) then runs on Kestrel, never on TestServer.
        // A real socket on a free loopback port. The port comes from the "urls" setting (below) rather than UseKestrel(0):
        // the factory's own port configuration sometimes ran after Kestrel had started and threw.
        UseKestrel();
    }

    /// <summary>The app's address, e.g. <c>http://127.0.0.1:54321/</c>. Reading it starts the app.</summary>
    public Uri BaseAddress => Start()._baseAddress!;

    /// <summary>A fresh temp folder for the file store (deleted on dispose, unless <c>settings</c> named another path).</summary>
    public string DataPath { get; }

    /// <summary>The settings as passed to the app (defaults plus overrides).</summary>
    public IReadOnlyDictionary<string, string?> Settings => _settings;

    /// <summary>
    /// Every log line the app wrote at Debug or above, in order: <c>"{Level} {Category}: {Message}"</c> plus the exception text.
    /// Captured regardless of the app's own log-level configuration, so secret scans see as much as possible.
    /// </summary>
    public IReadOnlyList<string> LogLines => _logLines.ToArray();

    /// <summary>Starts Kestrel on a free loopback port (idempotent) and fills <see cref="BaseAddress"/>. If the app fails to start, the host is disposed and the error rethrown.</summary>
    public AppHost Start()
    {
        lock (_startGate)
        {
            if (_baseAddress is not null)
            {
                return this;
            }

            try
            {
                StartServer();
            }
            catch
            {
                // The caller never gets the instance (new AppHost().Start() threw): clean up here, or DataPath leaks.
                // A half-started host can throw again while disposing; the start-up error is the one worth reporting.
                try
                {
                    Dispose();
                }
                catch (ObjectDisposedException)
                {
                }

                throw;
            }

            var server = Services.GetRequiredService<IServer>();
            var address = server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()
                ?? throw new InvalidOperationException($"AppHost: the server ({server.GetType().Name}) reports no address; is it Kestrel?");
            var uri = new Uri(address.EndsWith('/') ? address : address + "/");
            _baseAddress = uri.Host is "localhost" or "[::]" or "0.0.0.0" or "+" or "*"
                ? new UriBuilder(uri) { Host = "127.0.0.1" }.Uri
                : uri;
            ClientOptions.BaseAddress = _baseAddress;
            return this;
        }
    }

    /// <summary>A real <see cref="HttpClient"/> (SocketsHttpHandler) to <see cref="BaseAddress"/>; no automatic decompression. Disposed with the host.</summary>
    public HttpClient CreateHttpClient(bool allowRedirects = false, bool handleCookies = true)
    {
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = allowRedirects,
            UseCookies = handleCookies,
            CookieContainer = new System.Net.CookieContainer(),
            PooledConnectionLifetime = TimeSpan.FromMinutes(1),
            ConnectTimeout = TimeSpan.FromSeconds(10),
        };
        var client = new HttpClient(handler, disposeHandler: true)
        {
            BaseAddress = BaseAddress,
            Timeout = TimeSpan.FromSeconds(60),
        };
        _clients.Add(client);
        return client;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment(_environment);
        builder.UseSetting("urls", "http://127.0.0.1:0");
        // UseSetting makes the values visible while Program builds (host configuration); the in-memory source added here is
        // applied after Program's own sources, so the test's values also beat the conventional environment variables
        // (OPENROUTER_API_KEY, DATABASE_URL, ...) that Program maps in after the defaults.
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureAppConfiguration((_, configuration) => configuration.AddInMemoryCollection(_settings));

        builder.ConfigureLogging(logging =>
        {
            logging.AddProvider(new CapturingLoggerProvider(_logLines));
            logging.AddFilter<CapturingLoggerProvider>(null, LogLevel.Debug);
        });
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            foreach (var client in _clients)
            {
                client.Dispose();
            }
        }

        base.Dispose(disposing);
        if (disposing && !_deleted)
        {
            _deleted = true;
            try
            {
                if (System.IO.Directory.Exists(DataPath))
                {
                    System.IO.Directory.Delete(DataPath, recursive: true);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // A file still open by a background task: the OS temp cleaner gets it.
            }
        }
    }

    [ProviderAlias("Capture")]
    private sealed class CapturingLoggerProvider(ConcurrentQueue<string> lines) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new CapturingLogger(categoryName, lines);

        public void Dispose()
        {
        }
    }

    private sealed class CapturingLogger(string category, ConcurrentQueue<string> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var message = formatter(state, exception);
            lines.Enqueue(exception is null
                ? $"{logLevel} {category}: {message}"
                : $"{logLevel} {category}: {message}\n{exception}");
        }
    }
}
