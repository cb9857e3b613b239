namespace OpenChat.Web.Telemetry;

/// <summary>
/// The PostHog transport. <see cref="Capture"/> only queues: it never blocks on the network and never throws.
/// Registered as a singleton: <see cref="PostHogClient"/> with an API key, <see cref="DisabledPostHogClient"/> without one.
/// </summary>
public interface IPostHogClient
{
    /// <summary>False when no API key is configured: <see cref="Capture"/> does nothing, so callers may skip building events.</summary>
    bool IsEnabled { get; }

    /// <summary>A consistent-enough snapshot of the counters (thread-safe).</summary>
    PostHogCounters Counters { get; }

    /// <summary>
    /// Queues the event (stamping its <see cref="TelemetryEvent.Timestamp"/> if unset and its <see cref="TelemetryEvent.Uuid"/>).
    /// When the queue is full the oldest queued event is dropped (counted). Null is ignored.
    /// </summary>
    void Capture(TelemetryEvent e);

    /// <summary>
    /// Sends everything queued so far (with retries) and completes when each batch was accepted or given up on (counted failed).
    /// Does not throw for PostHog errors; throws <see cref="OperationCanceledException"/> when <paramref name="cancellationToken"/> fires
    /// (an interrupted batch stays queued, with the same uuids).
    /// </summary>
    Task FlushAsync(CancellationToken cancellationToken = default);
}

/// <summary>
/// Counters since start. <see cref="Captured"/> = <see cref="Queued"/> + <see cref="Sent"/> + <see cref="Dropped"/> + <see cref="Failed"/>
/// once the sender is idle.
/// </summary>
/// <param name="Captured">Events handed to <c>Capture</c> (while enabled).</param>
/// <param name="Queued">Events waiting now, including a batch being sent or retried.</param>
/// <param name="Sent">Events PostHog accepted (2xx).</param>
/// <param name="Dropped">Events pushed out of a full queue (oldest first), or still queued when the shutdown flush ran out of time.</param>
/// <param name="Failed">Events of batches given up on: retries exhausted, or a non-retryable answer (4xx other than 408/429).</param>
/// <param name="Retried">Retry requests made (a batch tried 3 times adds 2).</param>
public readonly record struct PostHogCounters(long Captured, long Queued, long Sent, long Dropped, long Failed, long Retried)
{
    public override string ToString() =>
        $"captured {Captured}, queued {Queued}, sent {Sent}, dropped {Dropped}, failed {Failed}, retried {Retried}";
}
