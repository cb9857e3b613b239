namespace OpenChat.Bench.Infrastructure;

/// <summary>
/// One named measurement. A scenario gets a running app (a fresh one per scenario) and returns tables;
/// the runner prints them and writes them as Markdown to <c>bench/results/</c>.
/// </summary>
public interface IScenario
{
    /// <summary>Lower-case name used on the command line and in the result file name.</summary>
    string Name { get; }

    /// <summary>One line for <c>--help</c> and the report header.</summary>
    string Description { get; }

    /// <summary>
    /// False when the scenario starts its own app processes (with extra environment, for example a fake upstream,
    /// or a fresh app per load level) through <see cref="ScenarioContext.StartAppAsync"/>; the runner then starts none.
    /// </summary>
    bool UsesSharedApp => true;

    Task<ScenarioResult> RunAsync(ScenarioContext context, CancellationToken cancellationToken);
}

/// <summary>What a scenario gets: the options, the app under test, and a place to say what it is doing.</summary>
public sealed class ScenarioContext(BenchOptions options, AppProcess? app, string appDll, TextWriter log)
{
    public BenchOptions Options { get; } = options;

    /// <summary>The app the runner started for this scenario (none when <see cref="IScenario.UsesSharedApp"/> is false).</summary>
    public AppProcess App => app ?? throw new InvalidOperationException("This scenario starts its own app (UsesSharedApp = false).");

    public Uri BaseAddress => App.BaseAddress;

    /// <summary>OpenChat.Web.dll being measured.</summary>
    public string AppDll { get; } = appDll;

    /// <summary>Starts another fresh app process with extra environment; the caller disposes it.</summary>
    public Task<AppProcess> StartAppAsync(IReadOnlyDictionary<string, string>? environment, CancellationToken cancellationToken) =>
        AppProcess.StartAsync(AppDll, environment, cancellationToken: cancellationToken);

    /// <summary>Progress notes (stderr), kept out of the tables on stdout.</summary>
    public TextWriter Log { get; } = log;
}

/// <summary>Tables and free-text notes, in order.</summary>
public sealed class ScenarioResult
{
    public List<Table> Tables { get; } = [];

    public List<string> Notes { get; } = [];
}
