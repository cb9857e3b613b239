using System.Diagnostics;
using Npgsql;
using OpenChat.Web.Storage.Postgres;

namespace OpenChat.Web.Storage.Fallback;

/// <summary>
/// Replays the spool into Postgres through the Postgres repositories' upserts: chats and messages where the newest
/// <c>updated_at</c> wins (each chat with its messages and files in one transaction), deletes for tombstones,
/// preferences, keys and session stamps unless Postgres has newer ones, ledger entries by an id derived from their content. Every
/// step is idempotent, so a replay cut short (a crash, Postgres going away again) is simply run again; the spool
/// is cleared only after a full pass.
/// </summary>
public sealed class SpoolReconciler(
    NpgsqlDataSource dataSource,
    Spool spool,
    RecentChats recent,
    PostgresChatRepository chats,
    PostgresPreferenceRepository preferences,
    PostgresKeyVaultRepository keys,
    PostgresReplyLedger ledger,
    ILogger<SpoolReconciler> logger)
{
    public async Task<ReconcileResult> ReplayAsync(CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var reader = new SpoolReader(spool);
        int chatCount = 0, messageCount = 0, conflicts = 0;
        foreach (var ownerId in reader.Owners().ToList())
        {
            await foreach (var spooled in reader.ChatsAsync(ownerId, cancellationToken))
            {
                await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
                await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
                chatCount++;
                conflicts += await PostgresChatRepository.UpsertChatAsync(transaction, spooled.Chat, cancellationToken) ? 0 : 1;
                foreach (var message in spooled.Messages)
                {
                    messageCount++;
                    conflicts += await PostgresChatRepository.UpsertMessageAsync(transaction, message, cancellationToken) ? 0 : 1;
                }

                foreach (var attachment in spooled.Attachments)
                {
                    await PostgresAttachmentStore.UpsertAsync(transaction, attachment, cancellationToken);
                }

                await transaction.CommitAsync(cancellationToken);
                recent.Forget(spooled.Chat.Id);
            }

            if (await reader.PreferencesAsync(ownerId, cancellationToken) is { } saved)
            {
                await preferences.UpsertAsync(saved, cancellationToken);
            }

            if (await reader.KeyAsync(ownerId, cancellationToken) is { } key)
            {
                await keys.UpsertAsync(key, cancellationToken);
            }

            if (await reader.SessionStampAsync(ownerId, cancellationToken) is { } stamp)
            {
                // A sign-out during the outage must keep revoking its old cookies once Postgres is back.
                await new PostgresSessionStampRepository(dataSource).SaveAsync(stamp, cancellationToken);
            }

            foreach (var entry in await reader.LedgerAsync(ownerId, cancellationToken))
            {
                await ledger.UpsertAsync(entry, cancellationToken);
            }
        }

        foreach (var (ownerId, chatId) in reader.Tombstones())
        {
            await chats.DeleteChatAsync(ownerId, chatId, cancellationToken);
            recent.Forget(chatId);
        }

        var result = new ReconcileResult(chatCount, messageCount, conflicts, clock.Elapsed);
        logger.LogInformation("Replayed the spool into Postgres: {Chats} chats, {Messages} messages, {Conflicts} conflicts, {Ms} ms",
            chatCount, messageCount, conflicts, (long)result.Duration.TotalMilliseconds);
        return result;
    }

    /// <summary>Empties the spool after a full replay.</summary>
    public void Clear() => spool.Clear();
}
