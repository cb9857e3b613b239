using System.Globalization;

namespace OpenChat.Web.Telemetry;

#pragma warning disable CA1720 // The kinds are named after the JSON types they become, like JsonValueKind.
public enum TelemetryValueKind
{
    /// <summary>No value: a property set to it is dropped.</summary>
    Null,
    Text,
    Integer,
    Number,
    Boolean,

    /// <summary>A flat array of strings, numbers and booleans (no nested arrays).</summary>
    Array,
}
#pragma warning restore CA1720

/// <summary>
/// One property value: a string, a number, a boolean or a flat array of those (what PostHog's contract allows), without boxing.
/// Converts implicitly from <c>string</c>, <c>int</c>, <c>long</c>, <c>double</c>, <c>decimal</c>, <c>bool</c> and their nullable forms;
/// <c>null</c> (or a nullable without a value) gives <see cref="Null"/>, and a property set to it is dropped.
/// </summary>
public readonly struct TelemetryValue : IEquatable<TelemetryValue>
{
    private readonly long _bits;
    private readonly object? _reference;

    private TelemetryValue(TelemetryValueKind kind, long bits, object? reference)
    {
        Kind = kind;
        _bits = bits;
        _reference = reference;
    }

    public static TelemetryValue Null => default;

    public TelemetryValueKind Kind { get; }

    public bool IsNull => Kind == TelemetryValueKind.Null;

    public string? AsString => Kind == TelemetryValueKind.Text ? (string)_reference! : null;

    public long? AsInteger => Kind == TelemetryValueKind.Integer ? _bits : null;

    public double? AsNumber => Kind switch
    {
        TelemetryValueKind.Number => BitConverter.Int64BitsToDouble(_bits),
        TelemetryValueKind.Integer => _bits,
        _ => null,
    };

    public bool? AsBoolean => Kind == TelemetryValueKind.Boolean ? _bits != 0 : null;

    /// <summary>The items of an <see cref="TelemetryValueKind.Array"/> (empty for any other kind).</summary>
    public ReadOnlySpan<TelemetryValue> Items => Kind == TelemetryValueKind.Array ? (TelemetryValue[])_reference! : [];

    public static TelemetryValue FromString(string? value) => value is null ? default : new(TelemetryValueKind.Text, 0, value);

    public static TelemetryValue FromInt64(long value) => new(TelemetryValueKind.Integer, value, null);

    /// <summary>NaN and infinities are not JSON numbers: they give <see cref="Null"/>.</summary>
    public static TelemetryValue FromDouble(double value) =>
        double.IsFinite(value) ? new(TelemetryValueKind.Number, BitConverter.DoubleToInt64Bits(value), null) : default;

    public static TelemetryValue FromDecimal(decimal value) => FromDouble((double)value);

    public static TelemetryValue FromBoolean(bool value) => new(TelemetryValueKind.Boolean, value ? 1 : 0, null);

    /// <summary>A flat array; null items and nested arrays are left out.</summary>
    public static TelemetryValue Array(params ReadOnlySpan<TelemetryValue> items)
    {
        var count = 0;
        foreach (var item in items)
        {
            if (item.Kind is not (TelemetryValueKind.Null or TelemetryValueKind.Array))
            {
                count++;
            }
        }

        var copy = new TelemetryValue[count];
        var i = 0;
        foreach (var item in items)
        {
            if (item.Kind is not (TelemetryValueKind.Null or TelemetryValueKind.Array))
            {
                copy[i++] = item;
            }
        }

        return new(TelemetryValueKind.Array, 0, copy);
    }

    /// <summary>A flat array of strings (null items are left out).</summary>
    public static TelemetryValue Array(IEnumerable<string?> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        return Array([.. items.Select(FromString)]);
    }

    public static implicit operator TelemetryValue(string? value) => FromString(value);

    public static implicit operator TelemetryValue(int value) => FromInt64(value);

    public static implicit operator TelemetryValue(int? value) => value is { } v ? FromInt64(v) : default;

    public static implicit operator TelemetryValue(long value) => FromInt64(value);

    public static implicit operator TelemetryValue(long? value) => value is { } v ? FromInt64(v) : default;

    public static implicit operator TelemetryValue(double value) => FromDouble(value);

    public static implicit operator TelemetryValue(double? value) => value is { } v ? FromDouble(v) : default;

    public static implicit operator TelemetryValue(decimal value) => FromDecimal(value);

    public static implicit operator TelemetryValue(decimal? value) => value is { } v ? FromDecimal(v) : default;

    public static implicit operator TelemetryValue(bool value) => FromBoolean(value);

    public static implicit operator TelemetryValue(bool? value) => value is { } v ? FromBoolean(v) : default;

    public static bool operator ==(TelemetryValue left, TelemetryValue right) => left.Equals(right);

    public static bool operator !=(TelemetryValue left, TelemetryValue right) => !left.Equals(right);

    public bool Equals(TelemetryValue other)
    {
        if (Kind != other.Kind)
        {
            return false;
        }

        return Kind switch
        {
            TelemetryValueKind.Text => string.Equals((string)_reference!, (string)other._reference!, StringComparison.Ordinal),
            TelemetryValueKind.Array => Items.SequenceEqual(other.Items),
            _ => _bits == other._bits,
        };
    }

    public override bool Equals(object? obj) => obj is TelemetryValue other && Equals(other);

    public override int GetHashCode() => Kind switch
    {
        TelemetryValueKind.Text => HashCode.Combine(Kind, StringComparer.Ordinal.GetHashCode((string)_reference!)),
        TelemetryValueKind.Array => HashCode.Combine(Kind, ((TelemetryValue[])_reference!).Length),
        _ => HashCode.Combine(Kind, _bits),
    };

    public override string ToString() => Kind switch
    {
        TelemetryValueKind.Null => "null",
        TelemetryValueKind.Text => (string)_reference!,
        TelemetryValueKind.Integer => _bits.ToString(CultureInfo.InvariantCulture),
        TelemetryValueKind.Number => BitConverter.Int64BitsToDouble(_bits).ToString("R", CultureInfo.InvariantCulture),
        TelemetryValueKind.Boolean => _bits != 0 ? "true" : "false",
        _ => "[" + string.Join(", ", ((TelemetryValue[])_reference!).Select(v => v.ToString())) + "]",
    };
}
