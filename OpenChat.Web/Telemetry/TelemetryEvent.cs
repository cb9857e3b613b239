namespace OpenChat.Web.Telemetry;

/// <summary>
/// One PostHog event. Build it, then hand it to <see cref="IPostHogClient.Capture"/>; after that the client owns it
/// (it is serialised later, on the sender's thread), so do not change it any more.
/// <para>
/// <see cref="Properties"/> holds flat values only. Person properties and groups have their own maps and go out as the
/// <c>$set</c>, <c>$set_once</c> and <c>$groups</c> objects, the only objects the contract allows. <c>$lib</c>,
/// <c>$lib_version</c> and <c>$geoip_disable</c> are added by the client (same-named properties set here are ignored).
/// </para>
/// </summary>
public sealed class TelemetryEvent
{
    private TelemetryProperties? _set;
    private TelemetryProperties? _setOnce;
    private TelemetryProperties? _groups;

    public TelemetryEvent(string name, string distinctId, DateTimeOffset? timestamp = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentException.ThrowIfNullOrEmpty(distinctId);
        Name = name;
        DistinctId = distinctId;
        Timestamp = timestamp;
    }

    /// <summary>PostHog's <c>event</c>, e.g. <c>chat.created</c> or <c>$pageview</c>.</summary>
    public string Name { get; }

    public string DistinctId { get; }

    /// <summary>When it happened; null = the moment of <see cref="IPostHogClient.Capture"/>. Sent as ISO-8601 UTC.</summary>
    public DateTimeOffset? Timestamp { get; set; }

    /// <summary>Assigned by <see cref="IPostHogClient.Capture"/> (UUIDv7 from the timestamp); a retried batch resends the same one, so PostHog counts it once.</summary>
    public Guid Uuid { get; internal set; }

    /// <summary>
    /// The event came from the browser through the app's ingest endpoint (not raised by the server). The transport sends both
    /// alike (<c>$geoip_disable</c> stays true: IPs are never forwarded); the flag is for the layers above (e.g. the <c>app</c> super property).
    /// </summary>
    public bool FromBrowser { get; init; }

    /// <summary>Event properties (flat values); insertion order is kept.</summary>
    public TelemetryProperties Properties { get; } = new();

    /// <summary>Person properties, sent as <c>properties.$set</c>.</summary>
    public TelemetryProperties PersonProperties => _set ??= new(4);

    /// <summary>Person properties set only once, sent as <c>properties.$set_once</c>.</summary>
    public TelemetryProperties PersonPropertiesOnce => _setOnce ??= new(4);

    /// <summary>Group type → group key, sent as <c>properties.$groups</c>, e.g. <c>{"workspace": id}</c>.</summary>
    public TelemetryProperties Groups => _groups ??= new(2);

    internal TelemetryProperties? PersonPropertiesOrNull => _set;

    internal TelemetryProperties? PersonPropertiesOnceOrNull => _setOnce;

    internal TelemetryProperties? GroupsOrNull => _groups;

    /// <summary>Sets an event property and returns the event, for chaining: <c>new TelemetryEvent(..).With("chat_id", id)</c>.</summary>
    public TelemetryEvent With(string name, TelemetryValue value)
    {
        Properties.Set(name, value);
        return this;
    }

    public override string ToString() => $"{Name} ({DistinctId}, {Properties.Count} properties)";
}
