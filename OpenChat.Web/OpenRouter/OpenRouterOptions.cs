namespace OpenChat.Web.OpenRouter;

/// <summary><c>OpenRouter:*</c> settings (also <c>OPENROUTER_API_KEY</c>, <c>OPENROUTER_BASE_URL</c>).</summary>
public sealed class OpenRouterOptions
{
    public const string Section = "OpenRouter";

    public Uri BaseUrl { get; set; } = new("https://openrouter.ai/api/v1");

    /// <summary>The operator's key, used when an owner has none of their own (daily limits then apply).</summary>
    public string? ApiKey { get; set; }

    public string DefaultModel { get; set; } = "openai/gpt-4o-mini";

    public int MaxOutputTokens { get; set; } = 8192;

    /// <summary>A reply whose upstream sends nothing for this long ends with a timeout error.</summary>
    public TimeSpan UpstreamIdleTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Sent as <c>HTTP-Referer</c> for OpenRouter's app attribution.</summary>
    public string AppUrl { get; set; } = "https://github.com/openchat-dotnet/openchat";

    public string AppTitle { get; set; } = "OpenChat";
}
