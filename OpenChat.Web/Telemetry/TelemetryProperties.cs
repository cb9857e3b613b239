using System.Collections;
using System.Diagnostics.CodeAnalysis;

namespace OpenChat.Web.Telemetry;

/// <summary>
/// A small ordered map of property name → <see cref="TelemetryValue"/> (insertion order is kept on the wire).
/// Setting a name again replaces its value in place; setting <see cref="TelemetryValue.Null"/> removes it, so null properties never leave.
/// Names compare ordinally. Linear lookups: meant for the dozen or two properties an event has.
/// </summary>
public sealed class TelemetryProperties : IReadOnlyList<KeyValuePair<string, TelemetryValue>>
{
    private KeyValuePair<string, TelemetryValue>[] _items;
    private int _count;

    public TelemetryProperties()
        : this(8)
    {
    }

    public TelemetryProperties(int capacity)
    {
        _items = capacity > 0 ? new KeyValuePair<string, TelemetryValue>[capacity] : [];
    }

    public int Count => _count;

    public KeyValuePair<string, TelemetryValue> this[int index] =>
        (uint)index < (uint)_count ? _items[index] : throw new ArgumentOutOfRangeException(nameof(index));

    /// <summary>Get: the value or <see cref="TelemetryValue.Null"/>. Set: add, replace, or (with null) remove.</summary>
    public TelemetryValue this[string name]
    {
        get => TryGetValue(name, out var value) ? value : default;
        set => Set(name, value);
    }

    /// <summary>Adds or replaces <paramref name="name"/>; a null value removes it. Returns this, for chaining.</summary>
    public TelemetryProperties Set(string name, TelemetryValue value)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        var index = IndexOf(name);
        if (value.IsNull)
        {
            if (index >= 0)
            {
                RemoveAt(index);
            }

            return this;
        }

        if (index >= 0)
        {
            _items[index] = new(name, value);
            return this;
        }

        if (_count == _items.Length)
        {
            System.Array.Resize(ref _items, Math.Max(4, _items.Length * 2));
        }

        _items[_count++] = new(name, value);
        return this;
    }

    /// <summary>For collection initialisers: <c>new TelemetryProperties { { "a", 1 } }</c>. Same as <see cref="Set"/>.</summary>
    public void Add(string name, TelemetryValue value) => Set(name, value);

    /// <summary>Sets every property of <paramref name="other"/> here (its values win).</summary>
    public TelemetryProperties SetAll(TelemetryProperties other)
    {
        ArgumentNullException.ThrowIfNull(other);
        for (var i = 0; i < other._count; i++)
        {
            Set(other._items[i].Key, other._items[i].Value);
        }

        return this;
    }

    public bool Remove(string name)
    {
        var index = IndexOf(name);
        if (index < 0)
        {
            return false;
        }

        RemoveAt(index);
        return true;
    }

    public bool ContainsKey(string name) => IndexOf(name) >= 0;

    public bool TryGetValue(string name, [MaybeNullWhen(false)] out TelemetryValue value)
    {
        var index = IndexOf(name);
        if (index < 0)
        {
            value = default;
            return false;
        }

        value = _items[index].Value;
        return true;
    }

    /// <summary>The filled part of the backing array (no copy): what the serializer walks.</summary>
    internal ReadOnlySpan<KeyValuePair<string, TelemetryValue>> AsSpan() => _items.AsSpan(0, _count);

    public IEnumerator<KeyValuePair<string, TelemetryValue>> GetEnumerator()
    {
        for (var i = 0; i < _count; i++)
        {
            yield return _items[i];
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private int IndexOf(string name)
    {
        for (var i = 0; i < _count; i++)
        {
            if (string.Equals(_items[i].Key, name, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }

    private void RemoveAt(int index)
    {
        _count--;
        if (index < _count)
        {
            System.Array.Copy(_items, index + 1, _items, index, _count - index);
        }

        _items[_count] = default;
    }
}
