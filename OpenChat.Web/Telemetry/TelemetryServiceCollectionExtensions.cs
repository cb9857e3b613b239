namespace OpenChat.Web.Telemetry;

public static class TelemetryServiceCollectionExtensions
{
    public static IServiceCollection AddTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<PostHogOptions>()
            .Bind(configuration.GetSection(PostHogOptions.Section))
            .Validate(o => o.Host.IsAbsoluteUri && (o.Host.Scheme == Uri.UriSchemeHttp || o.Host.Scheme == Uri.UriSchemeHttps),
                "PostHog:Host (POSTHOG_HOST) must be an absolute http or https URL, for example https://eu.i.posthog.com.")
            .ValidateOnStart();
        return services;
    }
}
