using System.Diagnostics;

namespace OpenChat.Bench.Infrastructure;

/// <summary>
/// Latencies in <see cref="Stopwatch"/> ticks. One recorder per worker (no locks on the hot path);
/// <see cref="Merge"/> combines them for percentiles. Holds at most <see cref="Capacity"/> samples.
/// </summary>
public sealed class LatencyRecorder(int initialCapacity = 16 * 1024)
{
    /// <summary>Samples kept per recorder; the load runner stops before any recorder gets there.</summary>
    public const int Capacity = 4_000_000;

    private long[] _ticks = new long[initialCapacity];

    public int Count { get; private set; }

    public bool IsFull => Count >= Capacity;

    public void Record(long stopwatchTicks)
    {
        if (Count == _ticks.Length)
        {
            if (Count >= Capacity)
            {
                return;
            }

            Array.Resize(ref _ticks, Math.Min(Capacity, _ticks.Length * 2));
        }

        _ticks[Count++] = stopwatchTicks;
    }

    public static LatencySummary Merge(IEnumerable<LatencyRecorder> recorders)
    {
        var all = recorders.ToList();
        var merged = new long[all.Sum(r => r.Count)];
        var offset = 0;
        foreach (var r in all)
        {
            Array.Copy(r._ticks, 0, merged, offset, r.Count);
            offset += r.Count;
        }

        Array.Sort(merged);
        return new LatencySummary(merged);
    }
}

/// <summary>Percentiles (nearest rank) over sorted samples.</summary>
public sealed class LatencySummary(long[] sortedTicks)
{
    public int Count => sortedTicks.Length;

    public TimeSpan Min => Count == 0 ? TimeSpan.Zero : ToTime(sortedTicks[0]);

    public TimeSpan Max => Count == 0 ? TimeSpan.Zero : ToTime(sortedTicks[^1]);

    public TimeSpan Mean => Count == 0 ? TimeSpan.Zero : ToTime((long)sortedTicks.Average());

    /// <param name="p">0..100</param>
    public TimeSpan Percentile(double p)
    {
        if (Count == 0)
        {
            return TimeSpan.Zero;
        }

        var rank = (int)Math.Ceiling(p / 100.0 * Count);
        return ToTime(sortedTicks[Math.Clamp(rank - 1, 0, Count - 1)]);
    }

    private static TimeSpan ToTime(long ticks) => TimeSpan.FromSeconds((double)ticks / Stopwatch.Frequency);
}
