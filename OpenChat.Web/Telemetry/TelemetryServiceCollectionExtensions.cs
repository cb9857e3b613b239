using Microsoft.Extensions.Options;
using OpenChat.Web.Platform;

namespace OpenChat.Web.Telemetry;

public static class TelemetryServiceCollectionExtensions
{
    /// <summary>
    /// <see cref="IPostHogClient"/> (a <see cref="PostHogClient"/> when <c>PostHog:ApiKey</c> is set, else
    /// <see cref="DisabledPostHogClient"/>; decided from the final configuration when first resolved), the hosted service that
    /// runs its sender, and the <c>telemetry</c> ready check with the counters.
    /// </summary>
    public static IServiceCollection AddTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<PostHogOptions>()
            .Bind(configuration.GetSection(PostHogOptions.Section))
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<PostHogOptions>, PostHogOptionsValidator>();

        services.AddSingleton<IPostHogClient>(sp =>
        {
            var options = sp.GetRequiredService<IOptions<PostHogOptions>>().Value;
            return options.Enabled
                ? new PostHogClient(options, sp.GetRequiredService<ILogger<PostHogClient>>())
                : DisabledPostHogClient.Instance;
        });
        services.AddHostedService<TelemetryHostedService>();
        services.AddHttpContextAccessor();
        services.AddSingleton<IpHasher>();
        services.AddSingleton<AnonymousVisitorId>();
        services.AddSingleton<ProductAnalytics>();
        services.AddHostedService<ReplyTelemetry>();
        services.AddSingleton<OpenRouter.IModelCatalogueObserver, ModelsFetchTelemetry>();
        services.Configure<Microsoft.AspNetCore.Mvc.RazorPages.RazorPagesOptions>(o => o.Conventions.ConfigureFilter(new Microsoft.AspNetCore.Mvc.ServiceFilterAttribute(typeof(TelemetryPageFilter))));
        services.AddScoped<TelemetryPageFilter>();
        services.AddHealthChecks().AddCheck<TelemetryHealthCheck>("telemetry", tags: [HealthEndpoints.ReadyTag]);
        return services;
    }

    private sealed class PostHogOptionsValidator : IValidateOptions<PostHogOptions>
    {
        public ValidateOptionsResult Validate(string? name, PostHogOptions options)
        {
            var errors = options.Validate();
            return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
        }
    }
}
