using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace OpenChat.Bench.Infrastructure;

/// <summary>
/// The real app as a child process: <c>dotnet OpenChat.Web.dll --urls http://127.0.0.1:{port}</c> in Production,
/// with a fresh temporary data folder and Warning-level logs. Start waits for <c>GET /healthz</c> = 200;
/// disposing kills the whole process tree and deletes the data folder.
/// </summary>
public sealed class AppProcess : IAsyncDisposable
{
    private const int OutputLines = 200;

    // Settings from the bench's own environment that would change what is measured (a database, real upstream
    // keys, telemetry). The child starts without them unless a scenario sets them again explicitly.
    private static readonly string[] ScrubbedVariables =
    [
        "DATABASE_URL", "ConnectionStrings__Postgres", "OPENROUTER_API_KEY", "OPENROUTER_BASE_URL",
        "POSTHOG_API_KEY", "POSTHOG_HOST", "PORT", "ASPNETCORE_URLS", "ASPNETCORE_HTTP_PORTS", "ASPNETCORE_HTTPS_PORTS",
        "OPENCHAT_WEBROOT", "DOTNET_ENVIRONMENT",
    ];

    private readonly Process _process;
    private readonly Queue<string> _output = new();
    private readonly string _dataPath;
    private int _disposed;

    private AppProcess(Process process, Uri baseAddress, string dataPath, string appDll)
    {
        _process = process;
        BaseAddress = baseAddress;
        _dataPath = dataPath;
        AppDll = appDll;
    }

    public Uri BaseAddress { get; }

    public string AppDll { get; }

    public int ProcessId => _process.Id;

    /// <summary>The last lines the app wrote (stdout and stderr interleaved).</summary>
    public string RecentOutput
    {
        get
        {
            lock (_output)
            {
                return _output.Count == 0 ? "(no output)" : string.Join('\n', _output);
            }
        }
    }

    /// <summary>CPU time and working set of the app process (the dotnet host runs the app in-process).</summary>
    public (TimeSpan Cpu, long WorkingSet) Usage()
    {
        _process.Refresh();
        return (_process.TotalProcessorTime, _process.WorkingSet64);
    }

    public static async Task<AppProcess> StartAsync(
        string appDll,
        IReadOnlyDictionary<string, string>? environment = null,
        TimeSpan? startDeadline = null,
        CancellationToken cancellationToken = default)
    {
        var port = FreeLoopbackPort();
        var baseAddress = new Uri($"http://127.0.0.1:{port}/");
        var dataPath = Path.Combine(Path.GetTempPath(), "openchat-bench-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(dataPath);

        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(appDll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(appDll);
        info.ArgumentList.Add("--urls");
        info.ArgumentList.Add($"http://127.0.0.1:{port}");
        foreach (var name in ScrubbedVariables)
        {
            info.Environment.Remove(name);
        }

        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        info.Environment["Storage__DataPath"] = dataPath;
        info.Environment["Logging__LogLevel__Default"] = "Warning";
        info.Environment["Logging__LogLevel__Microsoft.AspNetCore"] = "Warning";
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        // One loopback client sends thousands of requests: a bench measures the app, not its rate limits.
        foreach (var limit in new[] { "Global__PermitLimit", "Send__PermitLimit", "Send__GuestPermitLimit", "Send__Burst", "RunningReplies__PermitLimit", "SignIn__PermitLimit", "SignUp__PermitLimit", "KeySave__PermitLimit", "Ingest__PermitLimit" })
        {
            info.Environment["RateLimits__" + limit] = "100000000";
        }

        if (environment is not null)
        {
            foreach (var (key, value) in environment)
            {
                info.Environment[key] = value;
            }
        }

        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        if (!process.Start())
        {
            throw new InvalidOperationException($"Could not start dotnet {appDll}.");
        }

        var app = new AppProcess(process, baseAddress, dataPath, appDll);
        process.OutputDataReceived += (_, e) => app.Remember(e.Data);
        process.ErrorDataReceived += (_, e) => app.Remember(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        try
        {
            await app.WaitUntilHealthyAsync(startDeadline ?? TimeSpan.FromSeconds(30), cancellationToken);
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }

        return app;
    }

    private async Task WaitUntilHealthyAsync(TimeSpan deadline, CancellationToken cancellationToken)
    {
        using var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(2) };
        var clock = Stopwatch.StartNew();
        string last = "no answer yet";
        while (clock.Elapsed < deadline)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (_process.HasExited)
            {
                _process.WaitForExit(); // lets the redirected output drain, so the message below has all of it
                throw new InvalidOperationException(
                    $"The app exited with code {_process.ExitCode} before /healthz answered ({AppDll}).\n--- app output ---\n{RecentOutput}");
            }

            try
            {
                using var response = await client.GetAsync(new Uri("healthz", UriKind.Relative), cancellationToken);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }

                last = $"HTTP {(int)response.StatusCode}";
            }
            catch (HttpRequestException e)
            {
                last = e.Message;
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                last = "timeout";
            }

            await Task.Delay(100, cancellationToken);
        }

        throw new TimeoutException(
            $"GET {BaseAddress}healthz did not answer 200 within {deadline.TotalSeconds:0} s (last: {last}).\n--- app output ---\n{RecentOutput}");
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
            while (_output.Count > OutputLines)
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

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }

            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await _process.WaitForExitAsync(wait.Token);
        }
        catch (Exception e) when (e is InvalidOperationException or OperationCanceledException or System.ComponentModel.Win32Exception)
        {
            await Console.Error.WriteLineAsync($"warning: could not stop app process {_process.Id}: {e.Message}");
        }
        finally
        {
            _process.Dispose();
        }

        try
        {
            Directory.Delete(_dataPath, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            await Console.Error.WriteLineAsync($"warning: could not delete {_dataPath}: {e.Message}");
        }
    }

    public override string ToString() => FormattableString.Invariant($"pid {_process.Id} at {BaseAddress}");
}
