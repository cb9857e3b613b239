namespace OpenChat.Web.OpenRouter;

public static class OpenRouterServiceCollectionExtensions
{
    public static IServiceCollection AddOpenRouter(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<OpenRouterOptions>()
            .Bind(configuration.GetSection(OpenRouterOptions.Section))
            .Validate(o => o.BaseUrl.IsAbsoluteUri && (o.BaseUrl.Scheme == Uri.UriSchemeHttp || o.BaseUrl.Scheme == Uri.UriSchemeHttps),
                "OpenRouter:BaseUrl (OPENROUTER_BASE_URL) must be an absolute http or https URL.")
            .Validate(o => !string.IsNullOrWhiteSpace(o.DefaultModel), "OpenRouter:DefaultModel must name a model, for example openai/gpt-4o-mini.")
            .Validate(o => o.MaxOutputTokens is >= 1 and <= 1_000_000, "OpenRouter:MaxOutputTokens must be between 1 and 1000000.")
            .Validate(o => o.UpstreamIdleTimeout > TimeSpan.Zero, "OpenRouter:UpstreamIdleTimeout must be a positive time span, for example 00:01:00.")
            .ValidateOnStart();
        services.AddHttpClient(OpenRouterChatStreamer.HttpClientName, c => c.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
            {
                PooledConnectionLifetime = TimeSpan.FromMinutes(5),
                AutomaticDecompression = System.Net.DecompressionMethods.All,
                MaxConnectionsPerServer = 2048,
            });
        services.AddSingleton<OpenRouterChatStreamer>();
        services.AddSingleton<OpenRouterKeyClient>();
        services.AddSingleton<KeyVault>();
        services.AddSingleton<ReplyKeyResolver>();
        services.AddSingleton<GuestKeyHandover>();
        services.AddOptions<DailyLimitOptions>()
            .Bind(configuration.GetSection(DailyLimitOptions.Section))
            .Validate(o => o.GuestDailyReplies >= 0, "Limits:GuestDailyReplies must be 0 or more.")
            .Validate(o => o.MemberDailyReplies >= 0, "Limits:MemberDailyReplies must be 0 or more.")
            .Validate(o => o.GuestDailyRepliesPerAddress >= 0, "Limits:GuestDailyRepliesPerAddress must be 0 or more.")
            .Validate(o => o.DailyRepliesPerAddress >= 0, "Limits:DailyRepliesPerAddress must be 0 or more.")
            .Validate(o => o.OperatorDailyBudgetUsd >= 0, "Limits:OperatorDailyBudgetUsd must be 0 (no cap) or more.")
            .ValidateOnStart();
        services.AddModelCatalogue(configuration);
        return services;
    }
}
