using System.Runtime.InteropServices;
using OpenChat.Bench.Infrastructure;
using OpenChat.Bench.Scenarios;

// OpenChat.Bench [scenario...] [--duration 10s] [--concurrency 32] [--app path]
// Runs each named scenario (default: all) against a fresh child process of the real app, prints plain tables to
// stdout (progress goes to stderr), and writes the same as Markdown to bench/results/<scenario>-<timestamp>.md.
// New scenarios: implement IScenario in Scenarios/ and add an instance here.
IScenario[] scenarios =
[
    new LandingScenario(),
    new PageWeightScenario(),
    new StreamScenario(),
    new CaptureScenario(),
    new TelemetryScenario(),
    new LoadScenario(),
    new SearchScenario(),
];

BenchOptions options;
try
{
    options = BenchOptions.Parse(args);
}
catch (ArgumentException e)
{
    await Console.Error.WriteLineAsync(e.Message);
    await Console.Error.WriteLineAsync(BenchOptions.Usage);
    return 2;
}

if (options.ShowHelp || options.ListScenarios)
{
    if (options.ShowHelp)
    {
        Console.WriteLine(BenchOptions.Usage);
    }

    Console.WriteLine("scenarios:");
    foreach (var s in scenarios)
    {
        Console.WriteLine($"  {s.Name,-10} {s.Description}");
    }

    return 0;
}

// Ctrl+C (SIGINT) and SIGTERM stop the run gracefully, so the app child process is killed on the way out.
using var cancel = new CancellationTokenSource();
void Stop(PosixSignalContext signal)
{
    signal.Cancel = true;
    cancel.Cancel();
}

using var onInterrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
using var onTerminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);

try
{
    var runner = new ScenarioRunner(scenarios, Console.Out, Console.Error);
    return await runner.RunAsync(options, args, cancel.Token);
}
catch (Exception e) when (e is ArgumentException or FileNotFoundException or InvalidOperationException)
{
    await Console.Error.WriteLineAsync(e.Message);
    return 2;
}
catch (OperationCanceledException) when (cancel.IsCancellationRequested)
{
    await Console.Error.WriteLineAsync("cancelled");
    return 130;
}
