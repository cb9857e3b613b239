namespace OpenChat.Web.OpenRouter;

/// <summary>
/// A failed <c>GET /models</c>, for telemetry (<c>openrouter.models_fetch_failed</c>). Carries no key and no
/// response body: only what went wrong, where, and whether people still got a list.
/// </summary>
/// <param name="Status">The upstream HTTP status, or null when no response arrived.</param>
/// <param name="ErrorKind"><c>http_status</c>, <c>timeout</c>, <c>network</c> or <c>invalid_response</c>.</param>
/// <param name="UpstreamHost">The host asked, e.g. <c>openrouter.ai</c>.</param>
/// <param name="ServedStale">True when the last good copy is being served instead.</param>
public sealed record ModelsFetchFailed(int? Status, string ErrorKind, string UpstreamHost, bool ServedStale, DateTimeOffset At)
{
    public const string HttpStatus = "http_status";
    public const string Timeout = "timeout";
    public const string Network = "network";
    public const string InvalidResponse = "invalid_response";
}

/// <summary>Hears about catalogue failures (the telemetry client registers one). Must not throw or block.</summary>
public interface IModelCatalogueObserver
{
    void OnModelsFetchFailed(ModelsFetchFailed failure);
}
