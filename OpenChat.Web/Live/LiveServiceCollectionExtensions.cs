namespace OpenChat.Web.Live;

public static class LiveServiceCollectionExtensions
{
    /// <summary>Tabs' live streams and what pushes frames to them.</summary>
    public static IServiceCollection AddLive(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<LiveOptions>()
            .Bind(configuration.GetSection(LiveOptions.Section))
            .Validate(o => o.KeepAliveInterval > TimeSpan.Zero, "Generation:KeepAliveInterval must be a positive time span.")
            .Validate(o => o.MaxLiveStreamsPerOwner >= 1, "Generation:MaxLiveStreamsPerOwner must be at least 1.")
            .Validate(o => o.MaxLiveStreamsPerAddress >= 1, "Generation:MaxLiveStreamsPerAddress must be at least 1.")
            .ValidateOnStart();
        services.AddSingleton<LiveHub>();
        services.AddSingleton<SidebarPublisher>();
        services.AddSingleton<ChatUsagePublisher>();
        services.AddHostedService<StorageBannerPublisher>();
        return services;
    }
}
