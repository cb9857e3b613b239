using System.Globalization;

namespace OpenChat.Bench.Infrastructure;

/// <summary>Command line: <c>[scenario...] [--duration 10s] [--concurrency 32] [--app path]</c>.</summary>
public sealed record BenchOptions
{
    public IReadOnlyList<string> Scenarios { get; init; } = [];

    /// <summary>Measured time of a load scenario (its warm-up comes on top).</summary>
    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(10);

    public TimeSpan WarmUp { get; init; } = TimeSpan.FromSeconds(2);

    public int Concurrency { get; init; } = 32;

    /// <summary>Path to OpenChat.Web.dll (or the folder holding it); null = the Release build output in the repository.</summary>
    public string? AppPath { get; init; }

    /// <summary><c>stream</c>: concurrent replies per level (each a guest with one SSE tab).</summary>
    public IReadOnlyList<int> Replies { get; init; } = [100, 1000];

    /// <summary><c>stream</c>: chunks the fake upstream sends per reply.</summary>
    public int Chunks { get; init; } = 200;

    /// <summary><c>stream</c>: time between two chunks of one reply.</summary>
    public TimeSpan ChunkInterval { get; init; } = TimeSpan.FromMilliseconds(20);

    /// <summary><c>stream</c>: leave the fenced code block out of the reply script (no server-side highlighting).</summary>
    public bool NoCode { get; init; }

    /// <summary><c>load</c>: simulated users.</summary>
    public int Users { get; init; } = 500;

    /// <summary><c>load</c>: mean pause between one user's requests (each pause is 0.5x to 1.5x of it).</summary>
    public TimeSpan ThinkTime { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary><c>load</c>: run the app on Postgres (a throwaway cluster, or <c>BENCH_PG_CONNECTION</c>) instead of the file store.</summary>
    public bool Postgres { get; init; }

    public bool ShowHelp { get; init; }

    public bool ListScenarios { get; init; }

    public const string Usage =
        """
        usage: OpenChat.Bench [scenario...] [--duration 10s] [--warmup 2s] [--concurrency 32] [--app path]
                              [--replies 100,1000] [--chunks 200] [--interval 20ms] [--no-code]
                              [--users 500] [--think 1s] [--postgres]

          scenario        one or more scenario names (default: all of them)
          --duration, -d  measured time per load scenario: 500ms, 10s, 1m, or plain seconds (max 10m)
          --warmup        warm-up time before measuring (default 2s)
          --concurrency, -c  concurrent workers (1..1024, default 32)
          --app           OpenChat.Web.dll or the folder holding it
                          (default: OpenChat.Web/bin/Release/net10.0 under the repository root)
          --replies       stream: concurrent replies per level, comma-separated (1..2000 each, default 100,1000)
          --chunks        stream: chunks per reply from the fake upstream (10..5000, default 200)
          --interval      stream: time between chunks of one reply (default 20ms)
          --no-code       stream: a reply script without a fenced code block
          --users         load: simulated users (1..5000, default 500)
          --think         load: mean pause between one user's requests (default 1s)
          --postgres      load: the app on Postgres (throwaway cluster or BENCH_PG_CONNECTION), not the file store
          --list          list the scenarios
        """;

    public static BenchOptions Parse(IReadOnlyList<string> args)
    {
        var scenarios = new List<string>();
        var options = new BenchOptions();
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            string Value()
            {
                if (i + 1 >= args.Count)
                {
                    throw new ArgumentException($"{arg} needs a value.");
                }

                return args[++i];
            }

            switch (arg)
            {
                case "--duration" or "-d":
                    options = options with { Duration = ParseDuration(Value(), arg) };
                    break;
                case "--warmup" or "--warm-up":
                    options = options with { WarmUp = ParseDuration(Value(), arg, allowZero: true) };
                    break;
                case "--concurrency" or "-c":
                    var text = Value();
                    if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n is < 1 or > 1024)
                    {
                        throw new ArgumentException($"--concurrency must be a whole number from 1 to 1024 (it is '{text}').");
                    }

                    options = options with { Concurrency = n };
                    break;
                case "--replies":
                    options = options with { Replies = ParseReplies(Value()) };
                    break;
                case "--chunks":
                    var chunks = Value();
                    if (!int.TryParse(chunks, NumberStyles.None, CultureInfo.InvariantCulture, out var c) || c is < 10 or > 5000)
                    {
                        throw new ArgumentException($"--chunks must be a whole number from 10 to 5000 (it is '{chunks}').");
                    }

                    options = options with { Chunks = c };
                    break;
                case "--interval":
                    var interval = ParseDuration(Value(), arg);
                    if (interval > TimeSpan.FromSeconds(1))
                    {
                        throw new ArgumentException("--interval must be at most 1s.");
                    }

                    options = options with { ChunkInterval = interval };
                    break;
                case "--users":
                    var users = Value();
                    if (!int.TryParse(users, NumberStyles.None, CultureInfo.InvariantCulture, out var u) || u is < 1 or > 5000)
                    {
                        throw new ArgumentException($"--users must be a whole number from 1 to 5000 (it is '{users}').");
                    }

                    options = options with { Users = u };
                    break;
                case "--think":
                    options = options with { ThinkTime = ParseDuration(Value(), arg) };
                    break;
                case "--postgres":
                    options = options with { Postgres = true };
                    break;
                case "--no-code":
                    options = options with { NoCode = true };
                    break;
                case "--app":
                    options = options with { AppPath = Value() };
                    break;
                case "--list":
                    options = options with { ListScenarios = true };
                    break;
                case "--help" or "-h" or "-?":
                    options = options with { ShowHelp = true };
                    break;
                default:
                    if (arg.StartsWith('-'))
                    {
                        throw new ArgumentException($"Unknown option '{arg}'.");
                    }

                    scenarios.Add(arg);
                    break;
            }
        }

        return options with { Scenarios = scenarios };
    }

    private static List<int> ParseReplies(string text)
    {
        var levels = new List<int>();
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n is < 1 or > 2000)
            {
                throw new ArgumentException($"--replies takes comma-separated whole numbers from 1 to 2000 (got '{part}').");
            }

            levels.Add(n);
        }

        return levels.Count > 0 ? levels : throw new ArgumentException("--replies needs at least one number.");
    }

    public static TimeSpan ParseDuration(string text, string option, bool allowZero = false)
    {
        var s = text.Trim().ToLowerInvariant();
        double factor;
        if (s.EndsWith("ms", StringComparison.Ordinal))
        {
            factor = 0.001;
            s = s[..^2];
        }
        else if (s.EndsWith('s'))
        {
            factor = 1;
            s = s[..^1];
        }
        else if (s.EndsWith('m'))
        {
            factor = 60;
            s = s[..^1];
        }
        else
        {
            factor = 1;
        }

        if (!double.TryParse(s, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value))
        {
            throw new ArgumentException($"{option}: '{text}' is not a duration (examples: 500ms, 10s, 1m).");
        }

        var result = TimeSpan.FromSeconds(value * factor);
        if ((result <= TimeSpan.Zero && !allowZero) || result > TimeSpan.FromMinutes(10))
        {
            throw new ArgumentException($"{option}: '{text}' must be more than 0 and at most 10 minutes.");
        }

        return result;
    }
}
