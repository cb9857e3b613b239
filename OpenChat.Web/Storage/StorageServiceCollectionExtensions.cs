using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.Options;
using Npgsql;
using OpenChat.Web.Accounts;
using OpenChat.Web.Chats;
using OpenChat.Web.Chats.Search;
using OpenChat.Web.Chats.Usage;
using OpenChat.Web.Generation;
using OpenChat.Web.OpenRouter;
using OpenChat.Web.Storage.Files;
using OpenChat.Web.Storage.Postgres;
using OpenChat.Web.Web;

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
            .Validate(o => o.Backend == StorageBackend.File || IsValidConnectionString(o.PostgresConnectionString!),
                "ConnectionStrings:Postgres (DATABASE_URL) must be a postgres://user:password@host:port/database URL or an Npgsql connection string (Host=...;Username=...).")
            .ValidateOnStart();

        services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<StorageOptions>>().Value;
            var builder = new NpgsqlDataSourceBuilder(PostgresConnectionString.Normalize(options.PostgresConnectionString!));
            builder.ConnectionStringBuilder.ApplicationName ??= "openchat";
            return builder.Build();
        });
        services.AddSingleton<FileStore>();
        services.AddSingleton<MigrationRunner>();
        AddBackendChoice<IChatRepository, PostgresChatRepository, FileChatRepository>(services);
        AddBackendChoice<IMemberRepository, PostgresMemberRepository, FileMemberRepository>(services);
        AddBackendChoice<IPreferenceRepository, PostgresPreferenceRepository, FilePreferenceRepository>(services);
        AddBackendChoice<IKeyVaultRepository, PostgresKeyVaultRepository, FileKeyVaultRepository>(services);
        AddBackendChoice<IReplyLedger, PostgresReplyLedger, FileReplyLedger>(services);
        AddBackendChoice<IUsageReport, PostgresUsageReport, FileUsageReport>(services);
        AddBackendChoice<IChatSearch, PostgresChatSearch, FileChatSearch>(services);

        services.AddHostedService<StorageInitializer>();
        services.AddHealthChecks().AddCheck<StorageHealthCheck>("storage", tags: [HealthEndpoints.ReadyTag]);

        services.AddDataProtection().SetApplicationName("OpenChat");
        services.AddSingleton<PostgresXmlRepository>();
        services.AddOptions<KeyManagementOptions>().Configure<IServiceProvider>((o, sp) =>
        {
            o.XmlRepository = Backend(sp) == StorageBackend.Postgres
                ? sp.GetRequiredService<PostgresXmlRepository>()
                : new Microsoft.AspNetCore.DataProtection.Repositories.FileSystemXmlRepository(
                    Directory.CreateDirectory(Path.Combine(sp.GetRequiredService<IOptions<StorageOptions>>().Value.FullDataPath, "keys")),
                    sp.GetRequiredService<ILoggerFactory>());
        });

        return services;
    }

    /// <summary>Registers both implementations and resolves the interface to the one the configuration chose.</summary>
    private static void AddBackendChoice<TService, TPostgres, TFile>(IServiceCollection services)
        where TService : class
        where TPostgres : class, TService
        where TFile : class, TService
    {
        services.AddSingleton<TPostgres>();
        services.AddSingleton<TFile>();
        services.AddSingleton<TService>(sp => Backend(sp) == StorageBackend.Postgres
            ? sp.GetRequiredService<TPostgres>()
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
