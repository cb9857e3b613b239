using System.Globalization;

namespace OpenChat.Bench.Infrastructure;

/// <summary>Invariant number formatting for the tables.</summary>
public static class Format
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static string Count(long value) => value.ToString("N0", Inv);

    public static string Num(double value, int decimals = 1) => value.ToString("N" + decimals.ToString(Inv), Inv);

    public static string Ms(TimeSpan value) => Ms(value.TotalMilliseconds);

    public static string Ms(double milliseconds) => milliseconds < 10
        ? milliseconds.ToString("0.00", Inv)
        : milliseconds < 100 ? milliseconds.ToString("0.0", Inv) : milliseconds.ToString("N0", Inv);

    public static string Bytes(long bytes) => bytes.ToString("N0", Inv);

    public static string KB(long bytes) => (bytes / 1024.0).ToString("0.0", Inv);

    public static string Seconds(TimeSpan value) => value.TotalSeconds.ToString("0.0", Inv) + " s";
}
