namespace OpenChat.Web.OpenRouter;

public static class ModelCatalogueServiceCollectionExtensions
{
    public static IServiceCollection AddModelCatalogue(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ModelCatalogueOptions>()
            .Bind(configuration.GetSection(ModelCatalogueOptions.Section))
            .Validate(o => o.CacheDuration >= TimeSpan.Zero, "OpenRouter:Catalogue:CacheDuration must not be negative, for example 01:00:00.")
            .Validate(o => o.FetchTimeout > TimeSpan.Zero, "OpenRouter:Catalogue:FetchTimeout must be a positive time span, for example 00:00:10.")
            .Validate(o => o.RetryAfterFailure >= TimeSpan.Zero, "OpenRouter:Catalogue:RetryAfterFailure must not be negative, for example 00:01:00.")
            .Validate(o => o.PageWait >= TimeSpan.Zero, "OpenRouter:Catalogue:PageWait must not be negative, for example 00:00:02.")
            .ValidateOnStart();

        // The fetch has its own deadline (FetchTimeout, linked to shutdown); the client itself never times out first.
        services.AddHttpClient(ModelCatalogue.HttpClientName, c => c.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
            {
                PooledConnectionLifetime = TimeSpan.FromMinutes(5),
                AutomaticDecompression = System.Net.DecompressionMethods.All,
            });
        services.AddSingleton<ModelCatalogue>();
        services.AddSingleton<ModelPicker>();
        return services;
    }
}
