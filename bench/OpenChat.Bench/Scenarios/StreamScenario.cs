using System.Diagnostics;
using System.Globalization;
using OpenChat.Bench.Infrastructure;
using OpenChat.Bench.Scenarios.Stream;

namespace OpenChat.Bench.Scenarios;

/// <summary>
/// Concurrent streamed replies, end to end: a fake OpenRouter in this process writes a chunk every interval to the
/// app, which fans each reply out to one SSE tab per reply (one guest per reply). Per level of concurrency it
/// measures the added latency per chunk (tab received it − fake wrote it, against a baseline client reading the
/// fake directly), app CPU, memory per running reply, SSE bytes per reply against the final article, and errors.
/// Every level gets a fresh app; the fake holds every reply at a gate until all N tabs are attached, then starts
/// them at random phases of one interval, so the N replies run concurrently for the whole window.
/// </summary>
public sealed class StreamScenario : IScenario
{
    private const int WarmUpReplies = 20;
    private const int SetupWorkers = 16;

    public string Name => "stream";

    public string Description => "concurrent streamed replies: fake OpenRouter → app → one SSE tab each (latency, CPU, memory, bytes)";

    public bool UsesSharedApp => false;

    public async Task<ScenarioResult> RunAsync(ScenarioContext context, CancellationToken cancellationToken)
    {
        var options = context.Options;
        var log = context.Log;
        var script = ReplyScript.Create(options.Chunks, includeCode: !options.NoCode);
        var result = new ScenarioResult();
        await using var fake = await FakeOpenRouter.StartAsync(script, options.ChunkInterval, cancellationToken);
        await log.WriteLineAsync($"[stream] fake OpenRouter at {fake.BaseUrl}; {script.Chunks.Count} chunks of {script.Text.Length} characters per reply, one every {options.ChunkInterval.TotalMilliseconds} ms");
        var environment = new Dictionary<string, string>
        {
            ["OpenRouter__ApiKey"] = "sk-or-bench-not-a-key",
            ["OpenRouter__BaseUrl"] = fake.BaseUrl.ToString(),
            // Replies wait at the fake's gate while up to 1,000 guests are set up; the default 60 s idle timeout could fire.
            ["OpenRouter__UpstreamIdleTimeout"] = "00:05:00",
        };

        var levels = new List<Level>();
        var roundId = 0;
        foreach (var n in options.Replies)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var level = new Level(n) { LoadAtStart = ProcSample.LoadAverage() };
            await log.WriteLineAsync($"[stream] {n} replies: load average {FormatLoad(level.LoadAtStart)}; baseline (fake read directly)");
            level.Baseline = await RunBaselineAsync(fake, ++roundId, n, options, cancellationToken);

            await using var app = await context.StartAppAsync(environment, cancellationToken);
            await log.WriteLineAsync($"[stream] {n} replies: app started ({app}); warm-up with {Math.Min(n, WarmUpReplies)} replies");
            level.WarmUp = await RunThroughAppAsync(app, fake, ++roundId, Math.Min(n, WarmUpReplies), options, log, cancellationToken);
            await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken);
            level.Idle = ProcSample.Read(app.ProcessId);
            await log.WriteLineAsync($"[stream] {n} replies: measuring (idle RSS {Mb(level.Idle?.RssBytes)} MB)");
            level.App = await RunThroughAppAsync(app, fake, ++roundId, n, options, log, cancellationToken);
            level.AppOutput = app.RecentOutput;
            var logFile = Path.Combine(RepositoryPaths.ResultsFolder(), $"stream-app-{n}-{DateTime.UtcNow:yyyyMMdd-HHmmss}.log");
            await File.WriteAllTextAsync(logFile, level.AppOutput, cancellationToken);
            var problems = level.AppOutput.Split('\n').Count(l => l.StartsWith("fail:", StringComparison.Ordinal) || l.StartsWith("warn:", StringComparison.Ordinal));
            if (problems > 0)
            {
                result.Notes.Add($"{n} replies: the app logged {problems} warn/fail entries (last 200 output lines in {logFile}).");
            }

            levels.Add(level);
        }

        if (fake.UnknownRequests > 0)
        {
            result.Notes.Add($"The fake answered {fake.UnknownRequests} requests it could not match to a reply with 400.");
        }

        AddTables(result, levels, script, options);
        return result;
    }

    private static async Task<Run> RunBaselineAsync(FakeOpenRouter fake, int roundId, int n, BenchOptions options, CancellationToken cancellationToken)
    {
        var round = fake.NewRound(roundId, n, gated: true);
        var run = new Run(n, options.Chunks);
        using var client = StreamClients.Create(fake.BaseUrl, n + 16);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(StreamBudget(options) + TimeSpan.FromSeconds(60));
        foreach (var reply in run.Replies)
        {
            reply.Reading = StreamClients.ReadFakeAsync(client, fake.CompletionsUrl, FakeOpenRouter.Tag(roundId, reply.Index), reply, round.Traces[reply.Index], deadline.Token);
        }

        await WaitUntilAsync(() => round.ArrivedCount >= n || run.Replies.All(r => r.Reading.IsCompleted), TimeSpan.FromSeconds(60), cancellationToken);
        run.SetupTime = TimeSpan.Zero;
        await MeasureWindowAsync(run, null, round, cancellationToken);
        return run;
    }

    private static async Task<Run> RunThroughAppAsync(
        AppProcess app, FakeOpenRouter fake, int roundId, int n, BenchOptions options, TextWriter log, CancellationToken cancellationToken)
    {
        var round = fake.NewRound(roundId, n, gated: true);
        var run = new Run(n, options.Chunks);
        using var client = StreamClients.Create(app.BaseAddress, n + 64);
        using var streams = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        streams.CancelAfter(SetupBudget(n) + StreamBudget(options));

        var setupClock = Stopwatch.StartNew();
        using (var setup = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            setup.CancelAfter(SetupBudget(n));
            try
            {
                await Parallel.ForEachAsync(run.Replies, new ParallelOptions { MaxDegreeOfParallelism = SetupWorkers, CancellationToken = setup.Token }, async (reply, token) =>
                {
                    try
                    {
                        await StreamClients.CreateChatAsync(client, reply, "Please answer " + FakeOpenRouter.Tag(roundId, reply.Index), token);
                        reply.Reading = StreamClients.ReadLiveAsync(client, reply, round.Traces[reply.Index], streams.Token);
                        await reply.Attached.Task.WaitAsync(TimeSpan.FromSeconds(30), token);
                        if (!reply.SnapshotSeen)
                        {
                            reply.Error ??= "no snapshot";
                        }
                    }
                    catch (Exception e) when (e is BenchStepException or HttpRequestException or TimeoutException or IOException)
                    {
                        reply.Error = "setup: " + (e is TimeoutException ? "no snapshot within 30 s" : e.Message);
                    }
                });
            }
            catch (OperationCanceledException) when (setup.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                foreach (var reply in run.Replies.Where(r => r.ChatId == Guid.Empty && r.Error is null))
                {
                    reply.Error = "setup: not done within the setup budget";
                }
            }
        }

        run.SetupTime = setupClock.Elapsed;
        var started = run.Replies.Count(r => r.ChatId != Guid.Empty);
        await WaitUntilAsync(() => round.ArrivedCount >= started, TimeSpan.FromSeconds(30), cancellationToken);
        await Task.Delay(500, cancellationToken);
        run.Held = ProcSample.Read(app.ProcessId);
        await log.WriteLineAsync($"[stream]   {started}/{n} replies set up in {Format.Seconds(run.SetupTime)}, {round.ArrivedCount} upstream requests at the gate; streaming");

        await MeasureWindowAsync(run, app, round, cancellationToken);

        using var check = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        check.CancelAfter(TimeSpan.FromSeconds(120));
        try
        {
            await Parallel.ForEachAsync(run.Replies.Where(r => r.ChatId != Guid.Empty), new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = check.Token }, async (reply, token) =>
            {
                try
                {
                    await StreamClients.CheckStoredAsync(client, reply, options.Chunks, token);
                }
                catch (HttpRequestException e)
                {
                    reply.StoredStatus = "GET failed: " + e.Message;
                }
            });
        }
        catch (OperationCanceledException) when (check.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
        }

        run.FakeAborted = round.Traces.Count(t => t.Aborted);
        run.FakeRequests = round.Traces.Sum(t => t.Requests);
        return run;
    }

    /// <summary>Opens the gate and waits for every reader, sampling the app's CPU and memory on the way.</summary>
    private static async Task MeasureWindowAsync(Run run, AppProcess? app, FakeOpenRouter.Round round, CancellationToken cancellationToken)
    {
        using var self = Process.GetCurrentProcess();
        var benchCpu0 = self.TotalProcessorTime;
        var app0 = app is null ? null : ProcSample.Read(app.ProcessId);
        using var sampling = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var start = Stopwatch.GetTimestamp();
        var sampler = app is null ? Task.CompletedTask : SampleAsync(app.ProcessId, start, run.Samples, sampling.Token);
        round.Open();
        // The window ends when the last reply that did finish finished; replies that never finish (they wait for the
        // stream budget) would otherwise stretch it. CPU is read at the first 200 ms sample at or after that moment.
        var finished = Task.WhenAll(run.Replies.Select(r => r.Reading));
        while (!finished.IsCompleted)
        {
            await Task.WhenAny(finished, Task.Delay(200, cancellationToken));
            if (run.Replies.All(r => r.FinalStatus is not null || r.Reading.IsCompleted))
            {
                break;
            }
        }

        self.Refresh();
        run.BenchCpu = self.TotalProcessorTime - benchCpu0;
        var app1 = app is null ? null : ProcSample.Read(app.ProcessId);
        var lastFinish = run.Replies.Where(r => r.FinishedAt != 0).Select(r => r.FinishedAt).DefaultIfEmpty(Stopwatch.GetTimestamp()).Max();
        run.Window = Stopwatch.GetElapsedTime(start, lastFinish);
        await finished;
        await sampling.CancelAsync();
        await sampler;
        run.Samples.Sort((x, y) => x.At.CompareTo(y.At));
        var atEnd = run.Samples.Where(s => s.At >= run.Window).Select(s => (ProcSample?)s.Sample).FirstOrDefault() ?? app1;
        if (app0 is { } a && atEnd is { } b)
        {
            run.AppCpu = b.Cpu - a.Cpu;
            run.CpuWindow = run.Samples.Where(s => s.At >= run.Window).Select(s => s.At).DefaultIfEmpty(run.Window).First();
        }
    }

    private static async Task SampleAsync(int pid, long start, List<(TimeSpan At, ProcSample Sample)> samples, CancellationToken cancellationToken)
    {
        try
        {
            using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(200));
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                if (ProcSample.Read(pid) is { } sample)
                {
                    samples.Add((Stopwatch.GetElapsedTime(start), sample));
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private static async Task WaitUntilAsync(Func<bool> condition, TimeSpan limit, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        while (!condition() && clock.Elapsed < limit)
        {
            await Task.Delay(50, cancellationToken);
        }
    }

    private static TimeSpan SetupBudget(int n) => TimeSpan.FromSeconds(Math.Max(60, n * 0.2));

    private static TimeSpan StreamBudget(BenchOptions options) => (options.ChunkInterval * options.Chunks * 4) + TimeSpan.FromSeconds(60);

    private static void AddTables(ScenarioResult result, List<Level> levels, ReplyScript script, BenchOptions options)
    {
        var chunks = options.Chunks;
        var nominal = options.ChunkInterval * chunks;

        var latency = new Table(
            $"Added latency per chunk ({chunks} chunks per reply, one every {options.ChunkInterval.TotalMilliseconds:0} ms; tab received − fake wrote)",
            ("replies", Align.Right), ("path", Align.Left), ("chunks timed", Align.Right), ("in snapshot", Align.Right),
            ("p50 ms", Align.Right), ("p90 ms", Align.Right), ("p99 ms", Align.Right), ("max ms", Align.Right), ("p99 goal", Align.Left));
        var cpu = new Table(
            "App CPU during the streaming window (/proc/<pid>/stat utime+stime; 100% = one core of " + Environment.ProcessorCount.ToString(CultureInfo.InvariantCulture) + ")",
            ("replies", Align.Right), ("window s (to last final event)", Align.Right), ("chunks/s", Align.Right), ("app CPU s", Align.Right), ("app CPU %", Align.Right),
            ("app µs/chunk", Align.Right), ("bench CPU %", Align.Right), ("baseline bench CPU %", Align.Right), ("load avg at start", Align.Left));
        var memory = new Table(
            "App memory (RSS from /proc/<pid>/status; per reply = (streaming − idle) / N)",
            ("replies", Align.Right), ("idle MB", Align.Right), ("held MB", Align.Right), ("streaming MB", Align.Right), ("peak MB", Align.Right),
            ("KB/reply", Align.Right), ("anon KB/reply", Align.Right), ("threads", Align.Right), ("goal < 64 KB", Align.Left));
        var bytes = new Table(
            "SSE bytes per completed reply against its final article (GET /chat/{id}, outerHTML, UTF-8)",
            ("replies", Align.Right), ("SSE B/reply", Align.Right), ("of it snapshot", Align.Right), ("SSE max", Align.Right), ("final HTML B", Align.Right),
            ("ratio", Align.Right), ("goal ≤ 3×+2 KB", Align.Right), ("upstream B/reply", Align.Right), ("meets goal", Align.Left));
        var errors = new Table(
            "Errors",
            ("replies", Align.Right), ("path", Align.Left), ("failed", Align.Right), ("not complete (SSE)", Align.Right), ("stored not complete", Align.Right),
            ("text incomplete", Align.Right), ("fake aborted", Align.Right), ("anomalies", Align.Right), ("kinds", Align.Left));

        foreach (var level in levels)
        {
            var n = level.Replies.ToString(CultureInfo.InvariantCulture);
            var baseline = level.Baseline!;
            var app = level.App!;
            var b = LatencyRecorder.Merge(baseline.Replies.Select(r => r.Latency));
            var a = LatencyRecorder.Merge(app.Replies.Select(r => r.Latency));
            latency.AddRow(n, "fake → client (baseline)", Format.Count(b.Count), "-",
                Format.Ms(b.Percentile(50)), Format.Ms(b.Percentile(90)), Format.Ms(b.Percentile(99)), Format.Ms(b.Max), string.Empty);
            latency.AddRow(n, "fake → app → SSE tab", Format.Count(a.Count), Format.Count(app.Replies.Sum(r => r.SnapshotMarkers)),
                Format.Ms(a.Percentile(50)), Format.Ms(a.Percentile(90)), Format.Ms(a.Percentile(99)), Format.Ms(a.Max), string.Empty);
            var addedP99 = a.Percentile(99) - b.Percentile(99);
            latency.AddRow(n, "added (app − baseline)", string.Empty, string.Empty,
                Format.Ms(a.Percentile(50) - b.Percentile(50)), Format.Ms(a.Percentile(90) - b.Percentile(90)), Format.Ms(addedP99), Format.Ms(a.Max - b.Max),
                addedP99 < TimeSpan.FromMilliseconds(50) ? "< 50 ms: yes" : "< 50 ms: NO");
            latency.AddSeparator();

            var timedChunks = Math.Max(1, app.Replies.Sum(r => r.LiveMarkers + r.SnapshotMarkers));
            var window = app.Window.TotalSeconds;
            var cpuWindow = Math.Max(0.001, app.CpuWindow.TotalSeconds);
            cpu.AddRow(n, Format.Num(window, 2), Format.Num(timedChunks / window, 0), Format.Num(app.AppCpu.TotalSeconds, 2),
                Format.Num(100 * app.AppCpu.TotalSeconds / cpuWindow, 0), Format.Num(app.AppCpu.TotalMicroseconds / timedChunks, 0),
                Format.Num(100 * app.BenchCpu.TotalSeconds / window, 0), Format.Num(100 * baseline.BenchCpu.TotalSeconds / Math.Max(0.001, baseline.Window.TotalSeconds), 0),
                FormatLoad(level.LoadAtStart));

            var steady = app.Samples.Where(s => s.At >= nominal * 0.25 && s.At <= nominal * 0.75).Select(s => s.Sample).ToList();
            if (steady.Count == 0)
            {
                steady = app.Samples.Select(s => s.Sample).ToList();
            }

            var idle = level.Idle;
            var rss = Median(steady.Select(s => s.RssBytes));
            var anon = Median(steady.Select(s => s.RssAnonBytes));
            var peak = app.Samples.Count == 0 ? 0 : app.Samples.Max(s => s.Sample.RssBytes);
            var perReply = idle is null ? double.NaN : (rss - idle.Value.RssBytes) / (double)level.Replies;
            var anonPerReply = idle is null ? double.NaN : (anon - idle.Value.RssAnonBytes) / (double)level.Replies;
            memory.AddRow(n, Mb(idle?.RssBytes), Mb(app.Held?.RssBytes), Mb(rss), Mb(peak),
                Format.Num(perReply / 1024, 1), Format.Num(anonPerReply / 1024, 1),
                steady.Count == 0 ? "-" : steady.Max(s => s.Threads).ToString(CultureInfo.InvariantCulture),
                perReply < 64 * 1024 ? "yes" : "NO");

            var complete = app.Replies.Where(r => r.FinalHtmlBytes > 0 && r.FinalStatus == "complete" && r.StoredStatus == "complete").ToList();
            if (complete.Count > 0)
            {
                var sse = complete.Average(r => (double)r.Bytes);
                var snapshot = complete.Average(r => (double)r.SnapshotBytes);
                var html = complete.Average(r => (double)r.FinalHtmlBytes);
                var goal = (3 * html) + 2048;
                var worst = complete.Max(r => r.Bytes - ((3.0 * r.FinalHtmlBytes) + 2048));
                bytes.AddRow(n, Format.Num(sse, 0), Format.Num(snapshot, 0), Format.Bytes(complete.Max(r => r.Bytes)), Format.Num(html, 0),
                    Format.Num(sse / html, 2), Format.Num(goal, 0), Format.Num(baseline.Replies.Average(r => (double)r.Bytes), 0),
                    worst <= 0 ? "yes (every reply)" : $"NO (worst reply {worst:0} B over)");
            }
            else
            {
                bytes.AddRow(n, "-", "-", "-", "-", "-", "-", "-", "no complete reply");
            }

            AddErrorRow(errors, n, "baseline", baseline, chunks);
            AddErrorRow(errors, n, "app (warm-up)", level.WarmUp!, chunks);
            AddErrorRow(errors, n, "app", app, chunks);
        }

        result.Tables.Add(latency);
        result.Tables.Add(cpu);
        result.Tables.Add(memory);
        result.Tables.Add(bytes);
        result.Tables.Add(errors);

        var setup = new Table("Setup (per guest: GET /chat, POST /chat, open the live stream; 16 at a time; replies held at the fake until all are attached)",
            ("replies", Align.Right), ("setup s", Align.Right), ("upstream requests", Align.Right), ("warm-up replies", Align.Right));
        foreach (var level in levels)
        {
            setup.AddRow(level.Replies.ToString(CultureInfo.InvariantCulture), Format.Num(level.App!.SetupTime.TotalSeconds, 1),
                Format.Count(level.App.FakeRequests), Format.Count(level.WarmUp!.Replies.Length));
        }

        result.Tables.Add(setup);
        result.Notes.Add($"Reply script: {chunks} chunks, {script.Text.Length} characters of Markdown (heading, paragraphs, list{(options.NoCode ? ", no code block" : ", fenced C#")}); every chunk carries one marker word q0000..q9999.");
        result.Notes.Add("Latency: Stopwatch time when the client's read returned the chunk's marker for the first time minus the time the fake wrote that chunk (same process, same clock). " +
                         "Markers that arrived in the tab's snapshot are counted under 'in snapshot' and not timed. The baseline is the same client reading the fake directly at the same concurrency; " +
                         "the fake, the clients and the app share the machine's cores.");
        result.Notes.Add("Memory: idle = after a 20-reply warm-up and 2 s; held = all N replies created and their tabs attached, upstream held at the gate; " +
                         "streaming = median of 200 ms samples between 25% and 75% of the nominal reply duration. Per reply includes the SSE tab, the upstream connection and the run.");
        result.Notes.Add("SSE bytes: every byte of the live stream body (retry line, snapshot, deltas, block swaps, final article) until the final article event; not compressed. " +
                         "Upstream B/reply: what the fake sent for one reply (OpenRouter SSE JSON), for scale.");
    }

    private static void AddErrorRow(Table errors, string n, string path, Run run, int chunks)
    {
        var failed = run.Replies.Where(r => r.Error is not null).ToList();
        var notComplete = run.Replies.Count(r => r.FinalStatus != "complete");
        var stored = path == "baseline" ? "-" : run.Replies.Count(r => r.StoredStatus != "complete").ToString(CultureInfo.InvariantCulture);
        var text = path == "baseline" ? "-" : run.Replies.Count(r => r.StoredMarkers != chunks).ToString(CultureInfo.InvariantCulture);
        var kinds = string.Join("; ", failed.Select(r => r.Error!)
            .Concat(run.Replies.Where(r => r.Error is null && r.FinalStatus != "complete").Select(r => "final event status " + r.FinalStatus))
            .Concat(path == "baseline" ? [] : run.Replies.Where(r => r.StoredStatus is not null && r.StoredStatus != "complete").Select(r => "stored status " + r.StoredStatus))
            .GroupBy(k => k).OrderByDescending(g => g.Count()).Take(5).Select(g => $"{g.Count()}× {g.Key}"));
        errors.AddRow(n, path, failed.Count.ToString(CultureInfo.InvariantCulture), notComplete.ToString(CultureInfo.InvariantCulture), stored, text,
            path == "baseline" ? "-" : run.FakeAborted.ToString(CultureInfo.InvariantCulture),
            run.Replies.Sum(r => r.Anomalies).ToString(CultureInfo.InvariantCulture), kinds.Length == 0 ? "-" : kinds);
    }

    private static long Median(IEnumerable<long> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length == 0 ? 0 : sorted[sorted.Length / 2];
    }

    private static string Mb(long? bytes) => bytes is { } b ? Format.Num(b / (1024.0 * 1024), 1) : "-";

    private static string FormatLoad(double[] load) => load.Length == 0 ? "n/a" : string.Join(' ', load.Select(l => l.ToString("0.00", CultureInfo.InvariantCulture)));

    private sealed class Level(int replies)
    {
        public int Replies { get; } = replies;

        public double[] LoadAtStart { get; init; } = [];

        public Run? Baseline { get; set; }

        public Run? WarmUp { get; set; }

        public ProcSample? Idle { get; set; }

        public Run? App { get; set; }

        public string AppOutput { get; set; } = string.Empty;
    }

    private sealed class Run(int replies, int chunks)
    {
        public ReplyObservation[] Replies { get; } = Enumerable.Range(0, replies).Select(i => new ReplyObservation(i, chunks)).ToArray();

        public TimeSpan SetupTime { get; set; }

        public TimeSpan Window { get; set; }

        public TimeSpan AppCpu { get; set; }

        /// <summary>Gate open → the CPU sample used for <see cref="AppCpu"/>.</summary>
        public TimeSpan CpuWindow { get; set; }

        public TimeSpan BenchCpu { get; set; }

        public ProcSample? Held { get; set; }

        public List<(TimeSpan At, ProcSample Sample)> Samples { get; } = [];

        public int FakeAborted { get; set; }

        public int FakeRequests { get; set; }
    }
}
