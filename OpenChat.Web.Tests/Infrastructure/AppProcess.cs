using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace OpenChat.Web.Tests.Infrastructure;

/// <summary>
/// The app as a real child process (<c>dotnet OpenChat.Web.dll</c> from the test's build output), for what an in-process
/// <see cref="AppHost"/> cannot do: die abruptly. <see cref="Kill"/> kills the process tree, with no graceful shutdown.
/// Settings are passed as environment variables (<c>Section__Key</c>), over the same offline defaults as <see cref="AppHost"/>;
/// the conventional variables of the test's own environment (<c>DATABASE_URL</c>, <c>OPENROUTER_API_KEY</c>, ...) are removed.
/// </summary>
public sealed class AppProcess : IDisposable
{
    private static readonly string[] ScrubbedVariables =
    [
        "DATABASE_URL", "ConnectionStrings__Postgres", "OPENROUTER_API_KEY", "OPENROUTER_BASE_URL",
        "POSTHOG_API_KEY", "POSTHOG_HOST", "PORT", "ASPNETCORE_URLS", "ASPNETCORE_HTTP_PORTS", "ASPNETCORE_HTTPS_PORTS",
        "DOTNET_ENVIRONMENT",
    ];

    private readonly Process _process;
    private readonly Queue<string> _output = new();

    private AppProcess(Process process, Uri baseAddress, string dataPath)
    {
        _process = process;
        BaseAddress = baseAddress;
        DataPath = dataPath;
    }

    public Uri BaseAddress { get; }

    public string DataPath { get; }

    /// <summary>The last lines the app wrote (stdout and stderr).</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return string.Join('\n', _output);
            }
        }
    }

    public bool HasExited => _process.HasExited;

    /// <summary>Starts the app on a free loopback port and waits until <c>GET /healthz</c> answers 200.</summary>
    /// <param name="dataPath">The file store's folder; the caller owns it (it outlives a kill, to restart on it).</param>
    public static async Task<AppProcess> StartAsync(string dataPath, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var port = FreeLoopbackPort();
        var baseAddress = new Uri($"http://127.0.0.1:{port}/");
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = AppContext.BaseDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "OpenChat.Web.dll"));
        info.ArgumentList.Add("--urls");
        info.ArgumentList.Add($"http://127.0.0.1:{port}");
        foreach (var name in ScrubbedVariables)
        {
            info.Environment.Remove(name);
        }

        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
        {
            ["Storage:DataPath"] = dataPath,
            ["ConnectionStrings:Postgres"] = "",
            ["OpenRouter:BaseUrl"] = AppHost.UnreachableUrl + "api/v1",
            ["OpenRouter:ApiKey"] = "",
            ["PostHog:Host"] = AppHost.UnreachableUrl,
            ["PostHog:ApiKey"] = "",
            ["Logging:LogLevel:Default"] = "Warning",
        };
        foreach (var (key, value) in AppHost.GenerousRateLimits)
        {
            values[key] = value;
        }

        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            values[key] = value;
        }

        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Testing";
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        // The settings files are watched for changes; polling spares the per-user inotify instances a busy test machine runs out of.
        info.Environment["DOTNET_USE_POLLING_FILE_WATCHER"] = "1";
        foreach (var (key, value) in values)
        {
            info.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value ?? string.Empty;
        }

        var process = new Process { StartInfo = info };
        process.Start();
        var app = new AppProcess(process, baseAddress, dataPath);
        process.OutputDataReceived += (_, e) => app.Remember(e.Data);
        process.ErrorDataReceived += (_, e) => app.Remember(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await app.WaitUntilHealthyAsync(TimeSpan.FromSeconds(60));
        }
        catch
        {
            app.Dispose();
            throw;
        }

        return app;
    }

    /// <summary>Kills the app and everything it started, at once (no shutdown code runs), and waits until it is gone.</summary>
    public void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.WaitForExit();
    }

    private async Task WaitUntilHealthyAsync(TimeSpan patience)
    {
        using var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        var clock = Stopwatch.StartNew();
        var last = "no answer yet";
        while (clock.Elapsed < patience)
        {
            if (_process.HasExited)
            {
                _process.WaitForExit();
                throw new InvalidOperationException($"The app exited with code {_process.ExitCode} before /healthz answered.\n{Output}");
            }

            try
            {
                using var response = await client.GetAsync(new Uri("healthz", UriKind.Relative));
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }

                last = $"HTTP {(int)response.StatusCode}";
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                last = e.Message;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"{BaseAddress}healthz did not answer 200 within {patience.TotalSeconds:0} s (last: {last}).\n{Output}");
    }

    private void Remember(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.Enqueue(line);
            while (_output.Count > 200)
            {
                _output.Dequeue();
            }
        }
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    public void Dispose()
    {
        try
        {
            Kill();
        }
        catch (InvalidOperationException)
        {
            // Never started.
        }

        _process.Dispose();
    }
}
