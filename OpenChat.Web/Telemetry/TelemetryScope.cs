namespace OpenChat.Web.Telemetry;

/// <summary>
/// Who events are about and what is merged into each: resolved once per request (or kept with a reply for the
/// events raised when it ends). A scope exists only where capturing is allowed (a key is configured, no
/// Do-Not-Track / Global-Privacy-Control signal, and the owner has not turned usage data off).
/// </summary>
/// <param name="OwnerId">The member or guest id; null for an anonymous visitor.</param>
/// <param name="IsMember">Members get a person profile; anonymous visitors and guests do not.</param>
/// <param name="IpHash">First 16 hex characters of the HMAC of the client IP with the day's secret salt.</param>
public sealed record TelemetryScope(string DistinctId, string? OwnerId, bool IsMember, TelemetryProperties SuperProperties, string? IpHash);
