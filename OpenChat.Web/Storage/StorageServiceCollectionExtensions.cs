using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.Options;
using Npgsql;
using OpenChat.Web.Accounts;
using OpenChat.Web.Chats;
using OpenChat.Web.Chats.Search;
using OpenChat.Web.Chats.Usage;
using OpenChat.Web.Hosting;
using OpenChat.Web.OpenRouter;
using OpenChat.Web.Storage.Fallback;
using OpenChat.Web.Storage.Files;
using OpenChat.Web.Storage.Postgres;
using OpenChat.Web.Platform;

namespace OpenChat.Web.Storage;

public static class StorageServiceCollectionExtensions
{
    public static IServiceCollection AddStorage(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<StorageOptions>()
            .Bind(configuration.GetSection(StorageOptions.Section))
            .Configure(o =>
            {
                var raw = configuration.GetConnectionString("Postgres");
                if (!string.IsNullOrWhiteSpace(raw))
                {
                    o.PostgresConnectionString = raw;
                }
            })
            .Validate(o => !string.IsNullOrWhiteSpace(o.DataPath), "Storage:DataPath must name a folder, for example ./data.")
            .Validate(o => o.ProbeIntervalSeconds is > 0 and <= 3600, "Storage:ProbeIntervalSeconds must be between 0 and 3600 seconds, for example 5.")
            .Validate(o => o.StatementTimeoutSeconds is > 0 and <= 3600, "Storage:StatementTimeoutSeconds must be between 0 and 3600 seconds, for example 10.")
            .Validate(o => o.Backend == StorageBackend.File || IsValidConnectionString(o.PostgresConnectionString!),
                "ConnectionStrings:Postgres (DATABASE_URL) must be a postgres://user:password@host:port/database URL or an Npgsql connection string (Host=...;Username=...).")
            .ValidateOnStart();

        services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<StorageOptions>>().Value;
            var builder = new NpgsqlDataSourceBuilder(PostgresConnectionString.WithDefaults(
                PostgresConnectionString.Normalize(options.PostgresConnectionString!), TimeSpan.FromSeconds(options.StatementTimeoutSeconds)));
            return builder.Build();
        });
        services.AddSingleton<FileStore>();
        services.AddSingleton<MigrationRunner>();

        // With Postgres, each repository is wrapped by its fallback: the breaker sends calls to the spool while it is down.
        services.AddSingleton<PostgresBreaker>();
        services.AddSingleton<Spool>();
        services.AddSingleton<RecentChats>();
        services.AddSingleton<FallbackTelemetry>();
        services.AddSingleton<SpoolReconciler>();
        AddBackendChoice<IChatRepository, PostgresChatRepository, FallbackChatRepository, FileChatRepository>(services);
        AddBackendChoice<IMemberRepository, PostgresMemberRepository, FallbackMemberRepository, FileMemberRepository>(services);
        AddBackendChoice<IPreferenceRepository, PostgresPreferenceRepository, FallbackPreferenceRepository, FilePreferenceRepository>(services);
        AddBackendChoice<IKeyVaultRepository, PostgresKeyVaultRepository, FallbackKeyVaultRepository, FileKeyVaultRepository>(services);
        AddBackendChoice<ISessionStampRepository, PostgresSessionStampRepository, FallbackSessionStampRepository, FileSessionStampRepository>(services);
        AddBackendChoice<IReplyLedger, PostgresReplyLedger, FallbackReplyLedger, FileReplyLedger>(services);
        AddBackendChoice<Chats.Attachments.IAttachmentStore, PostgresAttachmentStore, FallbackAttachmentStore, FileAttachmentStore>(services);
        AddBackendChoice<IUsageReport, PostgresUsageReport, FallbackUsageReport, FileUsageReport>(services);
        AddBackendChoice<IChatSearch, PostgresChatSearch, FallbackChatSearch, FileChatSearch>(services);

        // First of all hosted services: Data Protection's own (registered earlier, by antiforgery) reads the key ring
        // at start, and on a fresh database the migrations must have made its table by then.
        services.Insert(0, ServiceDescriptor.Singleton<IHostedService, StorageInitializer>());
        services.AddHostedService<PostgresRecovery>();
        services.AddHostedService<StorageBannerPublisher>();
        services.AddSingleton<StorageProbe>();
        services.AddHealthChecks().AddCheck<StorageHealthCheck>("storage", tags: [HealthEndpoints.ReadyTag]);

        var dataProtection = services.AddDataProtection().SetApplicationName("OpenChat");
        if (KeyRingCertificate.Load(configuration) is { } certificate)
        {
            // Keys are written encrypted to the certificate (in Postgres and in the folder), and read back with it.
            dataProtection.ProtectKeysWithCertificate(certificate);
        }

        services.AddSingleton<PostgresXmlRepository>();
        services.AddSingleton(sp => new OwnerOnlyXmlRepository(
            Path.Combine(sp.GetRequiredService<IOptions<StorageOptions>>().Value.FullDataPath, "keys"),
            sp.GetRequiredService<ILoggerFactory>()));
        services.AddSingleton<FallbackXmlRepository>();
        services.AddOptions<KeyManagementOptions>().Configure<IServiceProvider>((o, sp) =>
        {
            // With Postgres the ring is also copied into the data folder, so it still works while Postgres is down.
            o.XmlRepository = Backend(sp) == StorageBackend.Postgres
                ? sp.GetRequiredService<FallbackXmlRepository>()
                : sp.GetRequiredService<OwnerOnlyXmlRepository>();
        });

        return services;
    }

    /// <summary>Requests that need Postgres itself while it is down (accounts) get a 503 with a clear message.</summary>
    public static WebApplication UseStorageFallback(this WebApplication app)
    {
        app.UseMiddleware<StorageUnavailableMiddleware>();
        return app;
    }

    /// <summary>Registers the implementations and resolves the interface to the one the configuration chose (Postgres behind its fallback).</summary>
    private static void AddBackendChoice<TService, TPostgres, TFallback, TFile>(IServiceCollection services)
        where TService : class
        where TPostgres : class, TService
        where TFallback : class, TService
        where TFile : class, TService
    {
        services.AddSingleton<TPostgres>();
        services.AddSingleton<TFallback>();
        services.AddSingleton<TFile>();
        services.AddSingleton<TService>(sp => Backend(sp) == StorageBackend.Postgres
            ? sp.GetRequiredService<TFallback>()
            : sp.GetRequiredService<TFile>());
    }

    private static StorageBackend Backend(IServiceProvider sp) => sp.GetRequiredService<IOptions<StorageOptions>>().Value.Backend;

    private static bool IsValidConnectionString(string value)
    {
        try
        {
            PostgresConnectionString.Normalize(value);
            return true;
        }
        catch (Exception e) when (e is ArgumentException or FormatException or KeyNotFoundException)
        {
            return false;
        }
    }
}
