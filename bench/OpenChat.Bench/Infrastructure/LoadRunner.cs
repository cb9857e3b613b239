using System.Diagnostics;

namespace OpenChat.Bench.Infrastructure;

/// <summary>What one request did: success, bytes received, and a short error kind when it failed.</summary>
public readonly record struct RequestOutcome(bool Ok, long Bytes, string? Error = null)
{
    public static RequestOutcome Success(long bytes) => new(true, bytes);

    public static RequestOutcome Failure(string error, long bytes = 0) => new(false, bytes, error);
}

/// <summary>Result of one closed-loop load phase.</summary>
public sealed record LoadResult(
    int Concurrency,
    TimeSpan Duration,
    long Requests,
    long Errors,
    IReadOnlyDictionary<string, long> ErrorKinds,
    LatencySummary Latency,
    long Bytes,
    TimeSpan AppCpu,
    TimeSpan BenchCpu,
    long AppWorkingSet,
    bool HitRequestCap)
{
    public double RequestsPerSecond => Requests / Duration.TotalSeconds;

    /// <summary>App CPU time per completed request (µs); includes background work the app did meanwhile.</summary>
    public double AppCpuMicrosPerRequest => Requests == 0 ? 0 : AppCpu.TotalMicroseconds / Requests;

    public double AppCpuPercentOfMachine => AppCpu / Duration / Environment.ProcessorCount * 100;

    public double BenchCpuPercentOfMachine => BenchCpu / Duration / Environment.ProcessorCount * 100;
}

/// <summary>
/// Closed-loop load: N workers each issue a request, wait for it, and issue the next, until the duration is over.
/// Only requests that complete inside the window count. Bounded: at most <see cref="MaxRequests"/> requests, and
/// in-flight requests get <see cref="DrainGrace"/> after the window before they are cancelled.
/// </summary>
public static class LoadRunner
{
    public const long MaxRequests = 20_000_000;
    public static readonly TimeSpan DrainGrace = TimeSpan.FromSeconds(30);

    public static async Task<LoadResult> RunAsync(
        int concurrency,
        TimeSpan duration,
        Func<CancellationToken, Task<RequestOutcome>> request,
        AppProcess? app,
        CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(concurrency, 1);
        using var hardStop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        hardStop.CancelAfter(duration + DrainGrace);

        var recorders = Enumerable.Range(0, concurrency).Select(_ => new LatencyRecorder()).ToArray();
        var errors = new Dictionary<string, long>[concurrency];
        var bytes = new long[concurrency];
        long issued = 0;
        var hitCap = false;

        var appBefore = app?.Usage();
        var benchBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var start = Stopwatch.GetTimestamp();
        var end = start + (long)(duration.TotalSeconds * Stopwatch.Frequency);

        async Task Worker(int index)
        {
            await Task.Yield();
            var recorder = recorders[index];
            var myErrors = errors[index] = new Dictionary<string, long>(StringComparer.Ordinal);
            while (Stopwatch.GetTimestamp() < end && !hardStop.IsCancellationRequested)
            {
                if (Interlocked.Increment(ref issued) > MaxRequests || recorder.IsFull)
                {
                    hitCap = true;
                    return;
                }

                var t0 = Stopwatch.GetTimestamp();
                RequestOutcome outcome;
                try
                {
                    outcome = await request(hardStop.Token);
                }
                catch (OperationCanceledException) when (hardStop.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception e) when (e is HttpRequestException or IOException or TaskCanceledException)
                {
                    outcome = RequestOutcome.Failure(e.GetType().Name);
                }

                var t1 = Stopwatch.GetTimestamp();
                if (t1 > end)
                {
                    return; // finished after the window: not counted
                }

                bytes[index] += outcome.Bytes;
                if (outcome.Ok)
                {
                    recorder.Record(t1 - t0);
                }
                else
                {
                    var kind = outcome.Error ?? "error";
                    myErrors[kind] = myErrors.GetValueOrDefault(kind) + 1;
                }
            }
        }

        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(Worker));
        cancellationToken.ThrowIfCancellationRequested();

        var elapsedWindow = TimeSpan.FromSeconds((double)(Math.Min(Stopwatch.GetTimestamp(), end) - start) / Stopwatch.Frequency);
        var appAfter = app?.Usage();
        var benchAfter = Process.GetCurrentProcess().TotalProcessorTime;

        var errorKinds = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var kind in errors.Where(e => e is not null).SelectMany(e => e))
        {
            errorKinds[kind.Key] = errorKinds.GetValueOrDefault(kind.Key) + kind.Value;
        }

        var latency = LatencyRecorder.Merge(recorders);
        return new LoadResult(
            concurrency,
            elapsedWindow,
            latency.Count + errorKinds.Values.Sum(),
            errorKinds.Values.Sum(),
            errorKinds,
            latency,
            bytes.Sum(),
            appBefore is { } a && appAfter is { } b ? b.Cpu - a.Cpu : TimeSpan.Zero,
            benchAfter - benchBefore,
            appAfter?.WorkingSet ?? 0,
            hitCap);
    }

    /// <summary>The standard table row set for a load phase (one row per phase).</summary>
    public static Table ResultTable(string title)
        => new(title,
            ("target", Align.Left), ("conc", Align.Right), ("time", Align.Right), ("requests", Align.Right),
            ("req/s", Align.Right), ("p50 ms", Align.Right), ("p90 ms", Align.Right), ("p99 ms", Align.Right),
            ("max ms", Align.Right), ("errors", Align.Right), ("wire B/req", Align.Right),
            ("app CPU µs/req", Align.Right), ("app CPU %", Align.Right), ("bench CPU %", Align.Right), ("app RSS MB", Align.Right));

    public static void AddResultRow(Table table, string target, LoadResult r)
        => table.AddRow(
            target,
            Format.Count(r.Concurrency),
            Format.Seconds(r.Duration),
            Format.Count(r.Requests),
            Format.Num(r.RequestsPerSecond, 0),
            Format.Ms(r.Latency.Percentile(50)),
            Format.Ms(r.Latency.Percentile(90)),
            Format.Ms(r.Latency.Percentile(99)),
            Format.Ms(r.Latency.Max),
            Format.Count(r.Errors),
            r.Requests == 0 ? "-" : Format.Count(r.Bytes / r.Requests),
            Format.Num(r.AppCpuMicrosPerRequest, 0),
            Format.Num(r.AppCpuPercentOfMachine, 0),
            Format.Num(r.BenchCpuPercentOfMachine, 0),
            Format.Num(r.AppWorkingSet / 1024.0 / 1024.0, 0));
}
