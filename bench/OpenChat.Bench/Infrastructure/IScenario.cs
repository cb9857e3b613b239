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

    Task<ScenarioResult> RunAsync(ScenarioContext context, CancellationToken cancellationToken);
}

/// <summary>What a scenario gets: the options, the app under test, and a place to say what it is doing.</summary>
public sealed class ScenarioContext(BenchOptions options, AppProcess app, TextWriter log)
{
    public BenchOptions Options { get; } = options;

    public AppProcess App { get; } = app;

    public Uri BaseAddress => App.BaseAddress;

    /// <summary>Progress notes (stderr), kept out of the tables on stdout.</summary>
    public TextWriter Log { get; } = log;
}

/// <summary>Tables and free-text notes, in order.</summary>
public sealed class ScenarioResult
{
    public List<Table> Tables { get; } = [];

    public List<string> Notes { get; } = [];
}
