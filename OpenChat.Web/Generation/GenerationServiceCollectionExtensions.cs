namespace OpenChat.Web.Generation;

public static class GenerationServiceCollectionExtensions
{
    public static IServiceCollection AddGeneration(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<GenerationOptions>()
            .Bind(configuration.GetSection(GenerationOptions.Section))
            .Validate(o => o.FlushInterval > TimeSpan.Zero, "Generation:FlushInterval must be a positive time span, for example 00:00:00.250.")
            .Validate(o => o.HistoryMessages is >= 1 and <= 1000, "Generation:HistoryMessages must be between 1 and 1000.")
            .ValidateOnStart();
        services.AddSingleton<ConversationAssembler>();
        services.AddSingleton<GenerationRegistry>();
        services.AddHostedService<GenerationLifecycle>();
        return services;
    }
}
