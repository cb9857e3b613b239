using OpenChat.Web.OpenRouter;

namespace OpenChat.Web.Telemetry;

/// <summary><c>openrouter.models_fetch_failed</c>, with the upstream host (not ours: the original's bug).</summary>
public sealed class ModelsFetchTelemetry(ProductAnalytics analytics) : IModelCatalogueObserver
{
    public void OnModelsFetchFailed(ModelsFetchFailed failure) =>
        analytics.CaptureForServer("openrouter.models_fetch_failed", p =>
        {
            p["status"] = failure.Status ?? 0;
            p["error_kind"] = failure.ErrorKind;
            p["provider_host"] = failure.UpstreamHost;
            p["served_stale"] = failure.ServedStale;
        });
}
