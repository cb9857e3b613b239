using Microsoft.Extensions.Options;
using OpenChat.Web.Live;
using OpenChat.Web.Storage;

namespace OpenChat.Web.Instances;

public static class InstancesServiceCollectionExtensions
{
    /// <summary>Several instances on one Postgres: heartbeats, orphaned replies, and live events between instances.</summary>
    public static IServiceCollection AddInstances(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<InstanceOptions>()
            .Bind(configuration.GetSection(InstanceOptions.Section))
            .Validate(o => o.HeartbeatIntervalSeconds > 0, "Instances:HeartbeatIntervalSeconds must be a positive number of seconds, for example 10.")
            .Validate(o => o.HeartbeatTimeoutSeconds > o.HeartbeatIntervalSeconds,
                "Instances:HeartbeatTimeoutSeconds must be longer than Instances:HeartbeatIntervalSeconds (defaults: 30 and 10).")
            .ValidateOnStart();
        services.AddSingleton<InstanceIdentity>();
        services.AddSingleton<InstanceRepository>();
        services.AddSingleton<LiveNoticeQueue>();
        services.AddSingleton<RemoteReplies>();
        services.AddSingleton<InstanceHeartbeat>();
        services.AddSingleton<LiveRelayPublisher>();
        services.AddSingleton<LiveRelayListener>();
        services.AddSingleton<IHostedService>(OnlyWithPostgres<InstanceHeartbeat>);
        services.AddSingleton<IHostedService>(OnlyWithPostgres<LiveRelayPublisher>);
        services.AddSingleton<IHostedService>(OnlyWithPostgres<LiveRelayListener>);
        services.AddSingleton<ILiveReplies, LiveReplies>();
        services.AddHostedService<InstanceLifecycle>();
        return services;
    }

    /// <summary>The file store serves one instance: nothing to beat for or relay to.</summary>
    private static IHostedService OnlyWithPostgres<T>(IServiceProvider sp)
        where T : class, IHostedService =>
        sp.GetRequiredService<IOptions<StorageOptions>>().Value.Backend == StorageBackend.Postgres
            ? sp.GetRequiredService<T>()
            : NoService.Instance;

    private sealed class NoService : IHostedService
    {
        public static readonly NoService Instance = new();

        public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
