namespace OpenChat.Web.Storage.Fallback;

/// <summary>
/// What this instance last saw of something in Postgres, for the outage view: a map bounded by entries and by
/// (estimated) bytes, which forgets the least recently used first. A convenience while Postgres is down, never
/// the source of truth, so forgetting is always safe. Thread-safe.
/// </summary>
public sealed class LastSeen<TKey, TValue>
    where TKey : notnull
{
    private readonly object _sync = new();
    private readonly Dictionary<TKey, LinkedListNode<Entry>> _entries;
    private readonly LinkedList<Entry> _recency = new(); // most recently used first
    private readonly int _maxEntries;
    private readonly long _maxBytes;
    private readonly Func<TValue, long> _sizeOf;
    private long _bytes;

    /// <param name="sizeOf">Estimated bytes an entry holds (its key included); one per entry when not given.</param>
    public LastSeen(int maxEntries, long maxBytes = long.MaxValue, Func<TValue, long>? sizeOf = null, IEqualityComparer<TKey>? comparer = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxEntries);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxBytes);
        _maxEntries = maxEntries;
        _maxBytes = maxBytes;
        _sizeOf = sizeOf ?? (_ => 1);
        _entries = new Dictionary<TKey, LinkedListNode<Entry>>(comparer);
    }

    public int Count
    {
        get
        {
            lock (_sync)
            {
                return _entries.Count;
            }
        }
    }

    /// <summary>Estimated bytes held (what <c>sizeOf</c> says of every entry).</summary>
    public long Bytes
    {
        get
        {
            lock (_sync)
            {
                return _bytes;
            }
        }
    }

    /// <summary>Remembers a value (a value larger than the whole budget is not kept, and forgets the old one).</summary>
    public void Set(TKey key, TValue value)
    {
        var size = _sizeOf(value);
        lock (_sync)
        {
            RemoveLocked(key);
            if (size > _maxBytes)
            {
                return;
            }

            _entries[key] = _recency.AddFirst(new Entry(key, value, size));
            _bytes += size;
            while (_entries.Count > _maxEntries || _bytes > _maxBytes)
            {
                RemoveLocked(_recency.Last!.Value.Key);
            }
        }
    }

    public bool TryGet(TKey key, out TValue value)
    {
        lock (_sync)
        {
            if (_entries.TryGetValue(key, out var node))
            {
                _recency.Remove(node);
                _recency.AddFirst(node);
                value = node.Value.Value;
                return true;
            }
        }

        value = default!;
        return false;
    }

    public TValue? GetValueOrDefault(TKey key) => TryGet(key, out var value) ? value : default;

    /// <summary>Replaces a remembered value with <paramref name="change"/>'s result; nothing when it is not remembered.</summary>
    public void Update(TKey key, Func<TValue, TValue> change)
    {
        lock (_sync)
        {
            if (!_entries.TryGetValue(key, out var node))
            {
                return;
            }

            var value = change(node.Value.Value);
            Set(key, value); // re-entrant lock: the same thread
        }
    }

    public void Remove(TKey key)
    {
        lock (_sync)
        {
            RemoveLocked(key);
        }
    }

    /// <summary>A snapshot of the values, most recently used first.</summary>
    public IReadOnlyList<TValue> Values()
    {
        lock (_sync)
        {
            return _recency.Select(e => e.Value).ToList();
        }
    }

    public void Clear()
    {
        lock (_sync)
        {
            _entries.Clear();
            _recency.Clear();
            _bytes = 0;
        }
    }

    private void RemoveLocked(TKey key)
    {
        if (_entries.Remove(key, out var node))
        {
            _recency.Remove(node);
            _bytes -= node.Value.Size;
        }
    }

    private sealed record Entry(TKey Key, TValue Value, long Size);
}
