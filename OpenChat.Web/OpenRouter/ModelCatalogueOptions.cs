namespace OpenChat.Web.OpenRouter;

/// <summary><c>OpenRouter:Catalogue:*</c>: how long the model list is trusted and how hard OpenRouter is asked for it.</summary>
public sealed class ModelCatalogueOptions
{
    public const string Section = "OpenRouter:Catalogue";

    /// <summary>A fetched list is served from memory this long before it is fetched again.</summary>
    public TimeSpan CacheDuration { get; set; } = TimeSpan.FromHours(1);

    /// <summary>One fetch of <c>GET /models</c> gives up after this long.</summary>
    public TimeSpan FetchTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>After a failed fetch, the last good copy is served this long before OpenRouter is asked again.</summary>
    public TimeSpan RetryAfterFailure { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How long a page waits for the list (only to show the model's name on the picker button) before rendering without it.</summary>
    public TimeSpan PageWait { get; set; } = TimeSpan.FromSeconds(2);
}
