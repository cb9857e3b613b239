namespace OpenChat.Web.Telemetry;

/// <summary>
/// <c>chat.rate_limited</c> at most once per policy, bucket and client address per window (<c>PostHog:RateLimitedEventWindow</c>,
/// a minute): the first refusal's properties plus <c>refused_count</c>, sent when the window ends. One flood of refused
/// requests is one event, not one per request. Bounded: past <see cref="MaxKeys"/> addresses in one window, refusals from
/// new ones are counted in <see cref="Overflowed"/> only.
/// </summary>
public sealed class RateLimitedEvents : IDisposable
{
    public const string EventName = "chat.rate_limited";
    public const int MaxKeys = 10_000;

    private readonly TimeSpan _window;
    private readonly Action<TelemetryScope, TelemetryProperties> _send;
    private readonly Lock _gate = new();
    private Dictionary<string, Pending> _pending = new(StringComparer.Ordinal);
    private Timer? _timer;
    private bool _disposed;
    private long _overflowed;

    /// <param name="send">Captures one aggregated event (its properties already carry <c>refused_count</c>).</param>
    public RateLimitedEvents(TimeSpan window, Action<TelemetryScope, TelemetryProperties> send)
    {
        _window = window;
        _send = send;
    }

    /// <summary>Refusals not reported because <see cref="MaxKeys"/> addresses were already waiting in their window.</summary>
    public long Overflowed => Interlocked.Read(ref _overflowed);

    /// <summary>Counts a refusal; the first one of its key in this window keeps the scope and properties the event will carry.</summary>
    public void Add(TelemetryScope scope, TelemetryProperties properties)
    {
        var key = string.Concat(properties["policy"].ToString(), "|", properties["rate_limit_bucket"].ToString(), "|", scope.IpHash ?? scope.DistinctId);
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            if (_pending.TryGetValue(key, out var pending))
            {
                pending.Count++;
                return;
            }

            if (_pending.Count >= MaxKeys)
            {
                _overflowed++;
                return;
            }

            _pending[key] = new Pending(scope, properties);
            _timer ??= new Timer(static state => ((RateLimitedEvents)state!).Flush(), this, _window, _window);
        }
    }

    /// <summary>Sends one event per key counted since the last flush (every window, and when the app stops).</summary>
    public void Flush()
    {
        Dictionary<string, Pending> due;
        lock (_gate)
        {
            if (_pending.Count == 0)
            {
                return;
            }

            due = _pending;
            _pending = new Dictionary<string, Pending>(StringComparer.Ordinal);
        }

        foreach (var pending in due.Values)
        {
            pending.Properties["refused_count"] = pending.Count;
            _send(pending.Scope, pending.Properties);
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            _timer?.Dispose();
            _timer = null;
        }
    }

    private sealed class Pending(TelemetryScope scope, TelemetryProperties properties)
    {
        public TelemetryScope Scope { get; } = scope;

        public TelemetryProperties Properties { get; } = properties;

        public int Count { get; set; } = 1;
    }
}
