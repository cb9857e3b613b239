using Dapper;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using OpenChat.Web.Accounts;
using OpenChat.Web.Chats;
using OpenChat.Web.Chats.Attachments;
using OpenChat.Web.Hosting;
using OpenChat.Web.OpenRouter;
using OpenChat.Web.Storage;
using OpenChat.Web.Storage.Fallback;
using OpenChat.Web.Storage.Files;
using OpenChat.Web.Storage.Postgres;
using OpenChat.Web.Tests.Infrastructure;

namespace OpenChat.Web.Tests.Storage;

/// <summary>The replay itself: idempotent (a replay cut short is run again), newest <c>updated_at</c> wins, tombstones delete.</summary>
[Trait("Category", TestCategories.Integration)]
public sealed class SpoolReconcilerTests(PostgresChatRepositoryTests.MigratedDatabase database)
    : IClassFixture<PostgresChatRepositoryTests.MigratedDatabase>, IDisposable
{
    private const string Owner = "guest_0123456789abcdef0123456789abcdef";
    private static readonly DateTimeOffset T0 = new DateTimeOffset(2026, 11, 26, 12, 0, 0, TimeSpan.Zero).ToStoragePrecision();

    private readonly string _dataPath = Directory.CreateTempSubdirectory("oc-spool-").FullName;

    [Fact]
    public async Task Replaying_twice_stores_everything_once_and_the_newest_version_wins()
    {
        var postgres = new PostgresChatRepository(database.DataSource);
        var spool = new Spool(Options.Create(new StorageOptions { DataPath = _dataPath }));
        var reconciler = new SpoolReconciler(database.DataSource, spool, new RecentChats(), postgres, new PostgresPreferenceRepository(database.DataSource),
            new PostgresKeyVaultRepository(database.DataSource), new PostgresReplyLedger(database.DataSource), NullLogger<SpoolReconciler>.Instance);

        // In Postgres before the outage: a chat with a reply streaming ("Hel"), a chat renamed later elsewhere, a chat deleted during the outage.
        var streamed = new Chat(Guid.CreateVersion7(), Owner, "Streamed", false, "m", T0, T0, T0);
        var question = new ChatMessage(Guid.CreateVersion7(), streamed.Id, MessageRole.User, "Q", MessageStatus.Complete, null, null, null, T0, T0);
        var reply = new ChatMessage(Guid.CreateVersion7(), streamed.Id, MessageRole.Assistant, "Hel", MessageStatus.Streaming, "m", null, null, T0.AddTicks(10), T0.AddTicks(10));
        var renamedElsewhere = new Chat(Guid.CreateVersion7(), Owner, "Newer in Postgres", true, "m", T0, T0.AddMinutes(5), T0);
        var deleted = new Chat(Guid.CreateVersion7(), Owner, "Deleted offline", false, "m", T0, T0, T0);
        foreach (var chat in new[] { streamed, renamedElsewhere, deleted })
        {
            await postgres.CreateChatAsync(chat, default);
        }

        await postgres.AddMessageAsync(Owner, question, default);
        await postgres.AddMessageAsync(Owner, reply, default);

        // In the spool: the reply finished, an older version of the renamed chat, a new chat, a tombstone, a ledger entry.
        await spool.Chats.CreateChatAsync(streamed, default);
        await spool.Chats.AddMessageAsync(Owner, reply, default);
        await spool.Chats.UpdateMessageAsync(Owner, streamed.Id, new MessageUpdate(reply.Id, "Hello!", MessageStatus.Complete, new MessageUsage(3, 2, 0.001m), null, T0.AddMinutes(1)), default);
        await spool.Chats.CreateChatAsync(renamedElsewhere with { Title = "Older in the spool", UpdatedAt = T0.AddMinutes(1) }, default);
        var created = new Chat(Guid.CreateVersion7(), Owner, "Made offline", false, "m", T0.AddMinutes(2), T0.AddMinutes(2), T0.AddMinutes(2));
        await spool.Chats.CreateChatAsync(created, default);
        var offline = new ChatMessage(Guid.CreateVersion7(), created.Id, MessageRole.User, "Offline question", MessageStatus.Complete, null, null, null, T0.AddMinutes(2), T0.AddMinutes(2));
        await spool.Chats.AddMessageAsync(Owner, offline, default);
        var file = new ChatAttachment(Guid.CreateVersion7(), created.Id, offline.Id, "offline.txt", "text/plain", AttachmentKind.Text, 2, T0.AddMinutes(2));
        await new FileAttachmentStore(spool.Store).AddAsync(Owner, [new StoredAttachment(file, "hi"u8.ToArray())], default);
        await spool.Preferences.SaveAsync(new Preferences(Owner, "dark", "green", null, true, T0.AddMinutes(3)), default);
        await spool.Keys.SaveAsync(new StoredKey(Owner, "CfDJ8-offline", null, T0.AddMinutes(3), T0.AddMinutes(3)), default);
        spool.AddTombstone(Owner, deleted.Id);
        await spool.Ledger.RecordAsync(Owner, KeySource.Operator, T0.AddMinutes(2), default);

        var first = await reconciler.ReplayAsync(default);
        var afterFirst = await SnapshotAsync();
        var second = await reconciler.ReplayAsync(default);

        Assert.Equal(afterFirst, await SnapshotAsync());
        Assert.Equal((3, 2, 1), (first.Chats, first.Messages, first.Conflicts));
        Assert.Equal((3, 2, 1), (second.Chats, second.Messages, second.Conflicts));
        Assert.Equal(
            [
                "chat Made offline",
                "chat Newer in Postgres",
                "chat Streamed",
                "message Made offline user Offline question complete",
                "message Streamed assistant Hello! complete",
                "message Streamed user Q complete",
                "ledger 1",
                "attachment offline.txt 2",
                "preferences dark green",
                "key CfDJ8-offline",
            ],
            afterFirst);
        Assert.Null(await postgres.FindChatAsync(Owner, deleted.Id, default));
    }

    public void Dispose() => Directory.Delete(_dataPath, recursive: true);

    private async Task<List<string>> SnapshotAsync()
    {
        await using var connection = await database.DataSource.OpenConnectionAsync();
        var chats = await connection.QueryAsync<string>("select 'chat ' || title from chats where owner_id = @Owner order by 1", new { Owner });
        var messages = await connection.QueryAsync<string>(
            "select 'message ' || c.title || ' ' || m.role || ' ' || m.content || ' ' || m.status from messages m join chats c on c.id = m.chat_id where c.owner_id = @Owner order by 1",
            new { Owner });
        var ledger = await connection.ExecuteScalarAsync<int>("select count(*) from reply_ledger where owner_id = @Owner", new { Owner });
        var attachments = await connection.QueryAsync<string>(
            "select 'attachment ' || a.file_name || ' ' || length(a.content) from attachments a join chats c on c.id = a.chat_id where c.owner_id = @Owner order by 1", new { Owner });
        var preferences = await connection.QueryAsync<string>("select 'preferences ' || ui_theme || ' ' || brand_theme from preferences where owner_id = @Owner", new { Owner });
        var keys = await connection.QueryAsync<string>("select 'key ' || protected_key from openrouter_keys where owner_id = @Owner", new { Owner });
        return [.. chats, .. messages, $"ledger {ledger}", .. attachments, .. preferences, .. keys];
    }
}
