using System.Buffers;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Reflection;

namespace OpenChat.Web.Telemetry;

/// <summary>
/// PostHog transport: a bounded in-memory queue (drop oldest when full) and one sender loop that posts gzip JSON batches to
/// <c>{host}/batch/</c> every <see cref="PostHogOptions.FlushInterval"/>, or as soon as <see cref="PostHogOptions.BatchSize"/>
/// events are waiting. Failed requests (5xx, 408, 429, timeouts, network errors) are retried with exponential backoff, the same
/// bytes (same uuids) each time; after <see cref="PostHogOptions.MaxRetries"/> retries the batch is counted failed and dropped.
/// <para>
/// Lifecycle: <see cref="Start"/> runs the loop; <see cref="StopAsync"/> ends it and makes a final flush bounded by
/// <see cref="PostHogOptions.ShutdownTimeout"/>. In the app <see cref="TelemetryHostedService"/> does both.
/// </para>
/// </summary>
public sealed class PostHogClient : IPostHogClient, IAsyncDisposable
{
    private static readonly DateTimeOffset UnixEpoch = DateTimeOffset.UnixEpoch;

    private readonly PostHogOptions _options;
    private readonly ILogger<PostHogClient> _logger;
    private readonly string _apiKey;
    private readonly Uri _batchUri;
    private readonly HttpClient _http;
    private readonly int _capacity;
    private readonly int _batchSize;

    // The queue: a ring buffer grown on demand up to _capacity, guarded by _queueLock.
    private readonly Lock _queueLock = new();
    private TelemetryEvent?[] _ring;
    private int _head;
    private int _count;
    private bool _closed;

    // Wakes the loop early (BatchSize reached). Extra releases only cause an extra, empty pass.
    private readonly SemaphoreSlim _wake = new(0, int.MaxValue);

    // One sender at a time (the loop, FlushAsync, the shutdown flush), so batches go out in order and counters add up.
    private readonly SemaphoreSlim _sendGate = new(1, 1);
    private List<TelemetryEvent>? _interrupted;

    // Uncompressed JSON of the batch being written; only touched under _sendGate.
    private readonly ArrayBufferWriter<byte> _json = new(64 * 1024);

    private long _captured;
    private long _dropped;
    private long _inFlight;
    private long _sent;
    private long _failed;
    private long _retried;

    private CancellationTokenSource? _stopping;
    private Task? _loop;
    private Task? _stop;
    private bool _disposed;

    public PostHogClient(PostHogOptions options, ILogger<PostHogClient> logger, HttpMessageHandler? handler = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        if (!options.Enabled)
        {
            throw new ArgumentException("PostHog:ApiKey is empty: use DisabledPostHogClient.", nameof(options));
        }

        var errors = options.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", errors), nameof(options));
        }

        _options = options;
        _logger = logger;
        _apiKey = options.ApiKey!.Trim();
        _batchUri = BatchUri(options.Host);
        _capacity = options.QueueCapacity;
        _batchSize = options.BatchSize;
        _ring = new TelemetryEvent?[Math.Min(_capacity, 256)];
        _http = new HttpClient(
            handler ?? new SocketsHttpHandler
            {
                PooledConnectionLifetime = TimeSpan.FromMinutes(2),
                ConnectTimeout = options.RequestTimeout,
                AutomaticDecompression = DecompressionMethods.None,
            },
            disposeHandler: true)
        {
            Timeout = Timeout.InfiniteTimeSpan, // per request, via a token: see PostOnceAsync
        };
        _http.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue(PostHogBatchWriter.Lib, UserAgentVersion(LibVersion)));
    }

    /// <summary>The app's informational version, sent as <c>$lib_version</c>.</summary>
    public static string LibVersion { get; } =
        typeof(PostHogClient).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? typeof(PostHogClient).Assembly.GetName().Version?.ToString()
        ?? "0.0.0";

    public bool IsEnabled => true;

    /// <summary><c>{host}/batch/</c>, keeping a path prefix of the host (a self-hosted PostHog behind <c>/ph</c>).</summary>
    public Uri BatchEndpoint => _batchUri;

    public PostHogCounters Counters => new(
        Interlocked.Read(ref _captured),
        Volatile.Read(ref _count) + Interlocked.Read(ref _inFlight),
        Interlocked.Read(ref _sent),
        Interlocked.Read(ref _dropped),
        Interlocked.Read(ref _failed),
        Interlocked.Read(ref _retried));

    public void Capture(TelemetryEvent e)
    {
        if (e is null)
        {
            return;
        }

        var timestamp = e.Timestamp ??= DateTimeOffset.UtcNow;
        e.Uuid = NewUuidV7(timestamp);
        int count;
        lock (_queueLock)
        {
            if (_closed)
            {
                _captured++;
                Interlocked.Increment(ref _dropped);
                return;
            }

            if (_count == _ring.Length)
            {
                if (_ring.Length < _capacity)
                {
                    Grow();
                }
                else
                {
                    // Full: the oldest goes.
                    _ring[_head] = null;
                    _head = (_head + 1) % _ring.Length;
                    _count--;
                    Interlocked.Increment(ref _dropped);
                }
            }

            var tail = _head + _count;
            if (tail >= _ring.Length)
            {
                tail -= _ring.Length;
            }

            _ring[tail] = e;
            count = ++_count;
            _captured++;
        }

        if (count == _batchSize)
        {
            _wake.Release();
        }
    }

    public async Task FlushAsync(CancellationToken cancellationToken = default)
    {
        if (Volatile.Read(ref _disposed))
        {
            return;
        }

        await SendQueuedAsync(cancellationToken);
    }

    /// <summary>Starts the sender loop (idempotent).</summary>
    public void Start()
    {
        lock (_queueLock)
        {
            if (_loop is not null || _stop is not null || _closed)
            {
                return;
            }

            _stopping = new CancellationTokenSource();
            _loop = Task.Run(() => RunAsync(_stopping.Token));
        }

        _logger.LogInformation("PostHog telemetry on: batches of up to {BatchSize} to {Endpoint} every {FlushInterval}, queue {QueueCapacity}.",
            _batchSize, _batchUri, _options.FlushInterval, _capacity);
    }

    /// <summary>
    /// Ends the loop, then sends what is queued for at most <see cref="PostHogOptions.ShutdownTimeout"/> (or until
    /// <paramref name="cancellationToken"/>); what is left is dropped (counted). Later captures are counted dropped.
    /// Idempotent: a second call (e.g. the container disposing the client while the host is still stopping it) waits for the first.
    /// </summary>
    public Task StopAsync(CancellationToken cancellationToken = default)
    {
        lock (_queueLock)
        {
            return _stop ??= StopCoreAsync(_loop, cancellationToken);
        }
    }

    private async Task StopCoreAsync(Task? loop, CancellationToken cancellationToken)
    {
        await Task.Yield(); // run outside the caller's lock

        if (loop is not null)
        {
            await _stopping!.CancelAsync();
            await loop; // RunAsync never throws
        }

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(_options.ShutdownTimeout);
        try
        {
            await SendQueuedAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            // Out of time: what is left is counted below.
        }

        int left;
        lock (_queueLock)
        {
            _closed = true;
            left = _count;
            Array.Clear(_ring);
            _head = 0;
            _count = 0;
            Interlocked.Add(ref _dropped, left);
        }

        // The send gate is free once SendQueuedAsync returned or threw; an interrupted batch is still in flight.
        var interrupted = Interlocked.Exchange(ref _interrupted, null);
        if (interrupted is not null)
        {
            Interlocked.Add(ref _inFlight, -interrupted.Count);
            Interlocked.Add(ref _dropped, interrupted.Count);
            left += interrupted.Count;
        }

        if (left > 0)
        {
            _logger.LogWarning("PostHog: {Count} event(s) not sent before shutdown (the final flush is limited to {Timeout}).", left, _options.ShutdownTimeout);
        }

        _logger.LogInformation("PostHog telemetry stopped: {Counters}.", Counters);
    }

    /// <summary>Stops (with the final flush, unless a stop already ran) and releases the HTTP connection pool.</summary>
    public async ValueTask DisposeAsync()
    {
        await StopAsync(CancellationToken.None);
        lock (_queueLock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
        }

        // The semaphores hold no wait handle (AvailableWaitHandle is never used), so they are left to the GC: disposing them
        // would only turn a late FlushAsync from another component into an ObjectDisposedException.
        _stopping?.Dispose();
        _http.Dispose();
    }

    /// <summary>
    /// A UUIDv7 (48-bit Unix ms timestamp, version and variant bits, 74 random bits) from a fast non-cryptographic generator:
    /// the uuid is PostHog's de-duplication key, not a secret, and <see cref="Guid.CreateVersion7()"/> costs a getrandom call
    /// (several hundred ns on a VM), most of what Capture would cost.
    /// </summary>
    internal static Guid NewUuidV7(DateTimeOffset timestamp)
    {
        var ms = timestamp < UnixEpoch ? 0 : Math.Min(timestamp.ToUnixTimeMilliseconds(), (1L << 48) - 1);
        Span<byte> bytes = stackalloc byte[16];
#pragma warning disable CA5394 // Uniqueness, not secrecy (see above).
        Random.Shared.NextBytes(bytes[6..]);
#pragma warning restore CA5394
        bytes[0] = (byte)(ms >> 40);
        bytes[1] = (byte)(ms >> 32);
        bytes[2] = (byte)(ms >> 24);
        bytes[3] = (byte)(ms >> 16);
        bytes[4] = (byte)(ms >> 8);
        bytes[5] = (byte)ms;
        bytes[6] = (byte)(0x70 | (bytes[6] & 0x0F));
        bytes[8] = (byte)(0x80 | (bytes[8] & 0x3F));
        return new Guid(bytes, bigEndian: true);
    }

    internal static Uri BatchUri(Uri host)
    {
        var text = host.GetLeftPart(UriPartial.Path);
        return new Uri(text.EndsWith('/') ? text + "batch/" : text + "/batch/");
    }

    private static string UserAgentVersion(string version)
    {
        // A product version token may not contain '+' metadata spaces etc.; keep it simple.
        var plus = version.IndexOf('+', StringComparison.Ordinal);
        var value = plus >= 0 ? version[..plus] : version;
        return value.Length > 0 && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-') ? value : "0.0.0";
    }

    private void Grow()
    {
        var bigger = new TelemetryEvent?[Math.Min(_capacity, _ring.Length * 2)];
        for (var i = 0; i < _count; i++)
        {
            bigger[i] = _ring[(_head + i) % _ring.Length];
        }

        _ring = bigger;
        _head = 0;
    }

    private List<TelemetryEvent>? TakeBatch()
    {
        lock (_queueLock)
        {
            if (_count == 0)
            {
                return null;
            }

            var n = Math.Min(_count, _batchSize);
            var batch = new List<TelemetryEvent>(n);
            for (var i = 0; i < n; i++)
            {
                batch.Add(_ring[_head]!);
                _ring[_head] = null;
                _head = _head + 1 == _ring.Length ? 0 : _head + 1;
            }

            _count -= n;
            Interlocked.Add(ref _inFlight, n);
            return batch;
        }
    }

    private async Task RunAsync(CancellationToken stopping)
    {
        var lastLog = Stopwatch.GetTimestamp();
        var lastLogged = default(PostHogCounters);
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                await _wake.WaitAsync(_options.FlushInterval, stopping);
                await SendQueuedAsync(stopping);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                break;
            }
#pragma warning disable CA1031 // The sender must survive anything; the event data is at worst lost, never the app.
            catch (Exception e)
#pragma warning restore CA1031
            {
                _logger.LogError(e, "PostHog sender: unexpected error; it keeps running.");
                try
                {
                    await Task.Delay(_options.FlushInterval, stopping); // never a tight loop
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }

            if (Stopwatch.GetElapsedTime(lastLog) >= _options.CountersLogInterval)
            {
                lastLog = Stopwatch.GetTimestamp();
                var counters = Counters;
                if (counters != lastLogged)
                {
                    lastLogged = counters;
                    _logger.LogDebug("PostHog telemetry: {Counters}.", counters);
                }
            }
        }
    }

    private async Task SendQueuedAsync(CancellationToken cancellationToken)
    {
        await _sendGate.WaitAsync(cancellationToken);
        try
        {
            while (true)
            {
                var batch = Interlocked.Exchange(ref _interrupted, null) ?? TakeBatch();
                if (batch is null)
                {
                    return;
                }

                try
                {
                    await SendBatchAsync(batch, cancellationToken);
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    // Keep it (still counted queued) for the next pass or the shutdown flush; same uuids, so no double count.
                    _interrupted = batch;
                    throw;
                }
            }
        }
        finally
        {
            _sendGate.Release();
        }
    }

    private async Task SendBatchAsync(List<TelemetryEvent> batch, CancellationToken cancellationToken)
    {
        byte[] body;
        try
        {
            body = PostHogBatchWriter.WriteGzip(_apiKey, batch, LibVersion, _json);
        }
#pragma warning disable CA1031 // A batch that cannot be written is counted failed, not allowed to stop the sender.
        catch (Exception e)
#pragma warning restore CA1031
        {
            Settle(batch.Count, ref _failed);
            _logger.LogError(e, "PostHog: could not write a batch of {Count} event(s); dropped.", batch.Count);
            return;
        }

        for (var attempt = 0; ; attempt++)
        {
            var outcome = await PostOnceAsync(body, cancellationToken);
            if (outcome.Kind == OutcomeKind.Accepted)
            {
                Settle(batch.Count, ref _sent);
                if (attempt > 0)
                {
                    _logger.LogInformation("PostHog accepted a batch of {Count} event(s) after {Retries} retr(ies).", batch.Count, attempt);
                }

                return;
            }

            if (outcome.Kind == OutcomeKind.Rejected || attempt >= _options.MaxRetries)
            {
                Settle(batch.Count, ref _failed);
                _logger.LogWarning("PostHog: a batch of {Count} event(s) was dropped after {Attempts} attempt(s): {Reason}.",
                    batch.Count, attempt + 1, outcome.Reason);
                return;
            }

            var delay = RetryDelay(attempt, outcome.RetryAfter);
            _logger.LogDebug("PostHog: sending a batch of {Count} event(s) failed ({Reason}); retry {Retry} of {MaxRetries} in {Delay} ms.",
                batch.Count, outcome.Reason, attempt + 1, _options.MaxRetries, (long)delay.TotalMilliseconds);
            await Task.Delay(delay, cancellationToken);
            Interlocked.Increment(ref _retried);
        }
    }

    private void Settle(int count, ref long counter)
    {
        Interlocked.Add(ref counter, count);
        Interlocked.Add(ref _inFlight, -count);
    }

    /// <summary>RetryBaseDelay × 2^attempt, ±20 % jitter, at most MaxRetryDelay; a 429's Retry-After wins if longer (still capped).</summary>
    private TimeSpan RetryDelay(int attempt, TimeSpan? retryAfter)
    {
        var baseMs = _options.RetryBaseDelay.TotalMilliseconds * Math.Pow(2, Math.Min(attempt, 30));
#pragma warning disable CA5394 // Jitter, not security.
        var jittered = baseMs * (0.8 + (Random.Shared.NextDouble() * 0.4));
#pragma warning restore CA5394
        var delay = TimeSpan.FromMilliseconds(Math.Min(jittered, _options.MaxRetryDelay.TotalMilliseconds));
        if (retryAfter is { } after && after > delay)
        {
            delay = after < _options.MaxRetryDelay ? after : _options.MaxRetryDelay;
        }

        return delay;
    }

    private async Task<Outcome> PostOnceAsync(byte[] body, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.RequestTimeout);
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        content.Headers.ContentEncoding.Add("gzip");
        using var request = new HttpRequestMessage(HttpMethod.Post, _batchUri) { Content = content };
        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, timeout.Token);
            var status = (int)response.StatusCode;
            if (status is >= 200 and < 300)
            {
                return new(OutcomeKind.Accepted, null, null);
            }

            var reason = $"HTTP {status}";
            if (status is >= 500 or 408 or 429)
            {
                var retryAfter = response.Headers.RetryAfter is { } header
                    ? header.Delta ?? (header.Date is { } date ? date - DateTimeOffset.UtcNow : null)
                    : null;
                return new(OutcomeKind.Retry, reason, retryAfter > TimeSpan.Zero ? retryAfter : null);
            }

            return new(OutcomeKind.Rejected, reason, null);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new(OutcomeKind.Retry, $"no answer within {_options.RequestTimeout}", null);
        }
        catch (HttpRequestException e)
        {
            return new(OutcomeKind.Retry, $"network error ({e.HttpRequestError})", null);
        }
    }

    private enum OutcomeKind
    {
        Accepted,
        Retry,
        Rejected,
    }

    private readonly record struct Outcome(OutcomeKind Kind, string? Reason, TimeSpan? RetryAfter);
}
