using System.Globalization;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Loggers;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Microsoft.Extensions.Logging.Abstractions;
using OpenChat.Bench.Infrastructure;
using OpenChat.Web.Telemetry;

namespace OpenChat.Bench.Scenarios;

/// <summary>
/// Cost of <see cref="IPostHogClient.Capture"/> on an enabled <see cref="PostHogClient"/> whose sender points at a closed
/// loopback port (no network traffic), measured in-process with BenchmarkDotNet (short run, memory diagnoser). The app process
/// the runner starts for every scenario is not used here.
/// </summary>
public sealed class CaptureScenario : IScenario
{
    public string Name => "capture";

    public string Description => "PostHog client: ns and bytes allocated per Capture (BenchmarkDotNet, in-process, short run)";

    public async Task<ScenarioResult> RunAsync(ScenarioContext context, CancellationToken cancellationToken)
    {
        var config = ManualConfig.CreateEmpty()
            .AddJob(Job.ShortRun.WithToolchain(InProcessEmitToolchain.Instance).WithId("ShortRun-InProcess"))
            .AddDiagnoser(MemoryDiagnoser.Default)
            .AddColumnProvider(DefaultColumnProviders.Instance)
            .AddLogger(new TextWriterLogger(context.Log))
            .WithArtifactsPath(Path.Combine(RepositoryPaths.ResultsFolder(), "BenchmarkDotNet"))
            .WithOptions(ConfigOptions.DisableOptimizationsValidator | ConfigOptions.JoinSummary);
        await context.Log.WriteLineAsync("[capture] running BenchmarkDotNet (ShortRun, in-process)");
        var summary = await Task.Run(() => BenchmarkRunner.Run<CaptureBenchmarks>(config), cancellationToken);

        var table = new Table("PostHog client: cost per call",
            ("benchmark", Align.Left), ("mean", Align.Right), ("error (99.9%)", Align.Right), ("stddev", Align.Right), ("allocated", Align.Right));
        foreach (var report in summary.Reports)
        {
            var stats = report.ResultStatistics;
            var allocated = report.GcStats.GetBytesAllocatedPerOperation(report.BenchmarkCase);
            table.AddRow(
                report.BenchmarkCase.Descriptor.WorkloadMethod.Name,
                stats is null ? "n/a" : Ns(stats.Mean),
                stats is null ? "n/a" : Ns(stats.ConfidenceInterval.Margin),
                stats is null ? "n/a" : Ns(stats.StandardDeviation),
                allocated is { } bytes ? bytes.ToString("N0", CultureInfo.InvariantCulture) + " B" : "n/a");
        }

        var result = new ScenarioResult();
        result.Tables.Add(table);
        result.Notes.Add("CapturePrebuiltEvent: Capture alone (timestamp reset so it is stamped again, UUIDv7, enqueue). "
            + "BuildAndCaptureTypicalEvent: a 16-property event built the way a service would, then captured. "
            + "SerializeBatchOf100: the sender's side, JSON + gzip of 100 such events with the sender's reused JSON buffer (per batch, not per event).");
        result.Notes.Add("The sender points at a closed loopback port, so the queue runs full and each Capture also drops the oldest event: "
            + "the outage path, which is the most expensive one for Capture.");
        if (summary.HasCriticalValidationErrors)
        {
            result.Notes.Add("BenchmarkDotNet reported validation errors: " + string.Join("; ", summary.ValidationErrors.Select(e => e.Message)));
        }

        return result;
    }

    private static string Ns(double nanoseconds) => nanoseconds.ToString("N1", CultureInfo.InvariantCulture) + " ns";

    /// <summary>BenchmarkDotNet's log to the scenario's progress writer (stderr), keeping stdout for the tables.</summary>
    private sealed class TextWriterLogger(TextWriter writer) : ILogger
    {
        public string Id => nameof(TextWriterLogger);

        public int Priority => 0;

        public void Write(LogKind logKind, string text) => writer.Write(text);

        public void WriteLine() => writer.WriteLine();

        public void WriteLine(LogKind logKind, string text) => writer.WriteLine(text);

        public void Flush() => writer.Flush();
    }
}

[MemoryDiagnoser]
#pragma warning disable CA1001 // BenchmarkDotNet owns the lifetime: [GlobalCleanup] disposes the client.
public class CaptureBenchmarks
#pragma warning restore CA1001
{
    private PostHogClient _client = null!;
    private TelemetryEvent _prebuilt = null!;
    private List<TelemetryEvent> _batch = null!;
    private readonly System.Buffers.ArrayBufferWriter<byte> _json = new(64 * 1024);

    [GlobalSetup]
    public void Setup()
    {
        _client = new PostHogClient(
            new PostHogOptions
            {
                ApiKey = "phc_bench",
                Host = new Uri("http://127.0.0.1:9/"), // discard port, nothing listens: connection refused, no traffic
                ShutdownTimeout = TimeSpan.FromMilliseconds(200),
            },
            NullLogger<PostHogClient>.Instance);
        _client.Start();
        _prebuilt = Typical(0);
        _batch = [.. Enumerable.Range(0, 100).Select(Typical)];
        foreach (var e in _batch)
        {
            e.Timestamp = DateTimeOffset.UtcNow;
            e.Uuid = Guid.CreateVersion7();
        }
    }

    [GlobalCleanup]
    public void Cleanup() => _client.DisposeAsync().AsTask().GetAwaiter().GetResult();

    [Benchmark(Baseline = true)]
    public void CapturePrebuiltEvent()
    {
        _prebuilt.Timestamp = null;
        _client.Capture(_prebuilt);
    }

    [Benchmark]
    public void BuildAndCaptureTypicalEvent() => _client.Capture(Typical(42));

    [Benchmark]
    public int SerializeBatchOf100() => PostHogBatchWriter.WriteGzip("phc_bench", _batch, PostHogClient.LibVersion, _json).Length;

    /// <summary>A <c>chat_message_submitted</c> with its properties and the super properties, as the services will build it.</summary>
    private static TelemetryEvent Typical(int i)
    {
        var e = new TelemetryEvent("chat_message_submitted", "member_01JABCDEF0123456789")
        {
            Properties =
            {
                ["chat_id"] = "chat_01JABCDEF0123456789",
                ["model_id"] = "openai/gpt-4o-mini",
                ["characters"] = 120 + i,
                ["attachment_count"] = 0,
                ["has_api_key"] = true,
                ["key_source"] = "user",
                ["app"] = "openchat-server",
                ["app_version"] = "1.0.0",
                ["deployment"] = "prod",
                ["environment"] = "production",
                ["deployment_region"] = "local",
                ["auth_state"] = "member",
                ["workspace_id"] = "member_01JABCDEF0123456789",
                ["ui_theme"] = "dark",
                ["brand_theme"] = "blue",
                ["storage_backend"] = "postgres",
            },
        };
        e.Groups["workspace"] = "member_01JABCDEF0123456789";
        return e;
    }
}
