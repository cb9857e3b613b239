using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using OpenChat.Web.Hosting;
using OpenChat.Web.Storage;
using OpenChat.Web.Storage.Fallback;
using OpenChat.Web.Storage.Postgres;

namespace OpenChat.Web.Tests.Storage;

/// <summary>
/// The fallback decorators with the breaker open (Postgres is "down": an address nothing listens on), over a spool in
/// a temporary folder: what every request gets during an outage. The contract suites run against these as they do
/// against the file store and Postgres.
/// </summary>
public sealed class SpooledStores : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("openchat-spooled-");
    private readonly NpgsqlDataSource _nowhere = NpgsqlDataSource.Create("Host=127.0.0.1;Port=9;Username=app;Timeout=1");

    public SpooledStores()
    {
        var options = Options.Create(new StorageOptions { DataPath = _folder.FullName, PostgresConnectionString = "Host=127.0.0.1;Port=9;Username=app" });
        Breaker = new PostgresBreaker(options, NullLogger<PostgresBreaker>.Instance);
        Breaker.Trip(new TimeoutException("the test's outage"));
        Spool = new Spool(options);
        var telemetry = new FallbackTelemetry(new ServiceCollection().BuildServiceProvider(), new HttpContextAccessor(), Spool, NullLogger<FallbackTelemetry>.Instance);
        Chats = new FallbackChatRepository(new PostgresChatRepository(_nowhere), Spool, new RecentChats(), Breaker, telemetry);
        Preferences = new FallbackPreferenceRepository(new PostgresPreferenceRepository(_nowhere), Spool, Breaker);
        Keys = new FallbackKeyVaultRepository(new PostgresKeyVaultRepository(_nowhere), Spool, Breaker);
        Ledger = new FallbackReplyLedger(new PostgresReplyLedger(_nowhere), Spool, Breaker);
        Attachments = new FallbackAttachmentStore(new PostgresAttachmentStore(_nowhere), Spool, Breaker, telemetry);
        Search = new FallbackChatSearch(new PostgresChatSearch(_nowhere), Spool, Breaker);
        Usage = new FallbackUsageReport(new PostgresUsageReport(_nowhere), Spool, Breaker);
    }

    public PostgresBreaker Breaker { get; }

    public Spool Spool { get; }

    public FallbackChatRepository Chats { get; }

    public FallbackPreferenceRepository Preferences { get; }

    public FallbackKeyVaultRepository Keys { get; }

    public FallbackReplyLedger Ledger { get; }

    public FallbackAttachmentStore Attachments { get; }

    public FallbackChatSearch Search { get; }

    public FallbackUsageReport Usage { get; }

    public void Dispose()
    {
        Assert.True(Breaker.IsOpen); // nothing closed it: every call really went to the spool
        Chats.Dispose();
        _nowhere.Dispose();
        _folder.Delete(recursive: true);
    }
}
