using System.Globalization;
using System.Text;

namespace OpenChat.Bench.Infrastructure;

/// <summary>Runs scenarios one after another, each against a fresh app process, and reports them.</summary>
public sealed class ScenarioRunner(IReadOnlyList<IScenario> all, TextWriter output, TextWriter log)
{
    public IReadOnlyList<IScenario> All { get; } = all;

    public IReadOnlyList<IScenario> Select(IReadOnlyList<string> names)
    {
        if (names.Count == 0)
        {
            return All;
        }

        return names.Select(n => All.FirstOrDefault(s => s.Name.Equals(n, StringComparison.OrdinalIgnoreCase))
                                 ?? throw new ArgumentException($"Unknown scenario '{n}'. Known: {string.Join(", ", All.Select(s => s.Name))}."))
                    .Distinct()
                    .ToList();
    }

    public async Task<int> RunAsync(BenchOptions options, IReadOnlyList<string> commandLine, CancellationToken cancellationToken)
    {
        var scenarios = Select(options.Scenarios);
        var appDll = RepositoryPaths.ResolveAppDll(options.AppPath);
        var machine = MachineInfo.Describe(appDll);
        await output.WriteLineAsync(machine.ToText());

        var failures = 0;
        foreach (var scenario in scenarios)
        {
            var started = DateTime.UtcNow;
            await output.WriteLineAsync($"== {scenario.Name}: {scenario.Description}");
            ScenarioResult result;
            try
            {
                if (scenario.UsesSharedApp)
                {
                    await using var app = await AppProcess.StartAsync(appDll, cancellationToken: cancellationToken);
                    await log.WriteLineAsync($"[{scenario.Name}] app started: {app}");
                    result = await scenario.RunAsync(new ScenarioContext(options, app, appDll, log), cancellationToken);
                }
                else
                {
                    result = await scenario.RunAsync(new ScenarioContext(options, null, appDll, log), cancellationToken);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                failures++;
                await output.WriteLineAsync($"FAILED: {e.Message}");
                await output.WriteLineAsync();
                continue;
            }

            var text = new StringBuilder();
            foreach (var table in result.Tables)
            {
                text.Append(table.ToText()).Append('\n');
            }

            foreach (var note in result.Notes)
            {
                text.Append("note: ").Append(note).Append('\n');
            }

            await output.WriteLineAsync(text.ToString());
            var file = await WriteMarkdownAsync(scenario, options, commandLine, machine, result, started, cancellationToken);
            await output.WriteLineAsync($"(written to {file})");
            await output.WriteLineAsync();
        }

        return failures == 0 ? 0 : 1;
    }

    private static async Task<string> WriteMarkdownAsync(
        IScenario scenario, BenchOptions options, IReadOnlyList<string> commandLine, Table machine, ScenarioResult result,
        DateTime started, CancellationToken cancellationToken)
    {
        var md = new StringBuilder();
        md.Append("# ").Append(scenario.Name).Append(": ").Append(scenario.Description).Append("\n\n");
        md.Append("Command: `OpenChat.Bench ").Append(string.Join(' ', commandLine)).Append("`  \n");
        md.Append(CultureInfo.InvariantCulture,
            $"Duration {Format.Seconds(options.Duration)}, warm-up {Format.Seconds(options.WarmUp)}, concurrency {options.Concurrency}.\n\n");
        md.Append(machine.ToMarkdown()).Append('\n');
        foreach (var table in result.Tables)
        {
            md.Append(table.ToMarkdown()).Append('\n');
        }

        foreach (var note in result.Notes)
        {
            md.Append("- ").Append(note).Append('\n');
        }

        var stamp = started.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);
        var path = Path.Combine(RepositoryPaths.ResultsFolder(), $"{scenario.Name}-{stamp}.md");
        await File.WriteAllTextAsync(path, md.ToString(), cancellationToken);
        return path;
    }
}
