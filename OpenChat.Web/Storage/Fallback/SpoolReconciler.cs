using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Dapper;
using Npgsql;
using OpenChat.Web.Accounts;
using OpenChat.Web.Chats;
using OpenChat.Web.OpenRouter;
using OpenChat.Web.Storage.Files;
using OpenChat.Web.Storage.Postgres;

namespace OpenChat.Web.Storage.Fallback;

/// <summary>
/// Replays the spool into Postgres: upserts by id where the newest <c>updated_at</c> wins, deletes for
/// tombstones, ledger entries by an id derived from their content. Every step is idempotent, so a replay cut
/// short (a crash, Postgres going away again) is simply run again; the spool is cleared only after a full pass.
/// </summary>
public sealed class SpoolReconciler(NpgsqlDataSource dataSource, Spool spool, RecentChats recent, ILogger<SpoolReconciler> logger)
{
    public async Task<ReconcileResult> ReplayAsync(CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        int chats = 0, messages = 0, conflicts = 0;
        if (Directory.Exists(spool.OwnersFolder))
        {
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            foreach (var ownerFolder in Directory.EnumerateDirectories(spool.OwnersFolder))
            {
                var ownerId = Path.GetFileName(ownerFolder);
                var chatsFolder = Path.Combine(ownerFolder, "chats");
                if (Directory.Exists(chatsFolder))
                {
                    foreach (var chatFolder in Directory.EnumerateDirectories(chatsFolder))
                    {
                        if (!Guid.TryParse(Path.GetFileName(chatFolder), out _) ||
                            await FileStore.ReadAsync<Chat>(Path.Combine(chatFolder, "chat.json"), cancellationToken) is not { } chat)
                        {
                            continue;
                        }

                        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
                        chats++;
                        conflicts += await UpsertChatAsync(connection, transaction, chat, cancellationToken) ? 0 : 1;
                        var messagesFolder = Path.Combine(chatFolder, "messages");
                        if (Directory.Exists(messagesFolder))
                        {
                            foreach (var file in Directory.EnumerateFiles(messagesFolder, "*.json"))
                            {
                                if (await FileStore.ReadAsync<ChatMessage>(file, cancellationToken) is { } message && message.ChatId == chat.Id)
                                {
                                    messages++;
                                    conflicts += await UpsertMessageAsync(connection, transaction, message, cancellationToken) ? 0 : 1;
                                }
                            }
                        }

                        await ReplayAttachmentsAsync(connection, transaction, chatFolder, chat.Id, cancellationToken);
                        await transaction.CommitAsync(cancellationToken);
                        recent.Forget(chat.Id);
                    }
                }

                await ReplayOwnerDataAsync(connection, ownerId, ownerFolder, cancellationToken);
            }

            foreach (var (ownerId, chatId) in spool.Tombstones())
            {
                await connection.ExecuteAsync(new CommandDefinition(
                    "delete from chats where id = @chatId and owner_id = @ownerId", new { chatId, ownerId }, cancellationToken: cancellationToken));
                recent.Forget(chatId);
            }
        }
        else
        {
            foreach (var (ownerId, chatId) in spool.Tombstones())
            {
                await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
                await connection.ExecuteAsync(new CommandDefinition(
                    "delete from chats where id = @chatId and owner_id = @ownerId", new { chatId, ownerId }, cancellationToken: cancellationToken));
            }
        }

        var result = new ReconcileResult(chats, messages, conflicts, clock.Elapsed);
        logger.LogInformation("Replayed the spool into Postgres: {Chats} chats, {Messages} messages, {Conflicts} conflicts, {Ms} ms",
            chats, messages, conflicts, (long)result.Duration.TotalMilliseconds);
        return result;
    }

    /// <returns>False when Postgres already had a newer version (a conflict it won).</returns>
    private static async Task<bool> UpsertChatAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Chat chat, CancellationToken cancellationToken)
    {
        var newer = await connection.ExecuteScalarAsync<bool>(new CommandDefinition(
            """
            with upsert as (
                insert into chats as c (id, owner_id, title, title_is_custom, model_id, created_at, updated_at, last_message_at)
                values (@Id, @OwnerId, @Title, @TitleIsCustom, @ModelId, @CreatedAt, @UpdatedAt, @LastMessageAt)
                on conflict (id) do update set
                    title = case when excluded.updated_at >= c.updated_at then excluded.title else c.title end,
                    title_is_custom = case when excluded.updated_at >= c.updated_at then excluded.title_is_custom else c.title_is_custom end,
                    model_id = case when excluded.updated_at >= c.updated_at then excluded.model_id else c.model_id end,
                    updated_at = greatest(c.updated_at, excluded.updated_at),
                    last_message_at = greatest(c.last_message_at, excluded.last_message_at)
                where c.owner_id = excluded.owner_id
                returning (xmax = 0) as inserted, updated_at = @UpdatedAt as ours
            )
            select coalesce((select inserted or ours from upsert), false)
            """,
            new
            {
                chat.Id,
                chat.OwnerId,
                chat.Title,
                chat.TitleIsCustom,
                chat.ModelId,
                CreatedAt = chat.CreatedAt.UtcDateTime,
                UpdatedAt = chat.UpdatedAt.UtcDateTime,
                LastMessageAt = chat.LastMessageAt.UtcDateTime,
            },
            transaction,
            cancellationToken: cancellationToken));
        return newer;
    }

    private static async Task<bool> UpsertMessageAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, ChatMessage message, CancellationToken cancellationToken)
    {
        var rows = await connection.ExecuteAsync(new CommandDefinition(
            """
            insert into messages as m (id, chat_id, role, content, status, model_id, prompt_tokens, completion_tokens, cost_usd, error_kind, created_at, updated_at)
            values (@Id, @ChatId, @Role, @Content, @Status, @ModelId, @PromptTokens, @CompletionTokens, @CostUsd, @ErrorKind, @CreatedAt, @UpdatedAt)
            on conflict (id) do update set
                content = excluded.content, status = excluded.status, model_id = excluded.model_id,
                prompt_tokens = excluded.prompt_tokens, completion_tokens = excluded.completion_tokens, cost_usd = excluded.cost_usd,
                error_kind = excluded.error_kind, updated_at = excluded.updated_at
            where m.chat_id = excluded.chat_id and m.updated_at <= excluded.updated_at
            """,
            PostgresChatRepository.Parameters(message),
            transaction,
            cancellationToken: cancellationToken));
        return rows == 1;
    }

    /// <summary>Files sent during the outage; an attachment never changes, so one already in Postgres is kept.</summary>
    private static async Task ReplayAttachmentsAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string chatFolder, Guid chatId, CancellationToken cancellationToken)
    {
        var folder = Path.Combine(chatFolder, FileAttachmentStore.Folder);
        if (!Directory.Exists(folder))
        {
            return;
        }

        foreach (var file in Directory.EnumerateFiles(folder, "*.json"))
        {
            if (!Guid.TryParseExact(Path.GetFileNameWithoutExtension(file), "N", out var id) ||
                await FileStore.ReadAsync<Chats.Attachments.ChatAttachment>(file, cancellationToken) is not { } a ||
                a.ChatId != chatId || a.Id != id)
            {
                continue;
            }

            var content = await File.ReadAllBytesAsync(Path.Combine(folder, $"{id:N}.bin"), cancellationToken);
            await connection.ExecuteAsync(new CommandDefinition(
                """
                insert into attachments (id, chat_id, message_id, file_name, media_type, kind, size_bytes, content, created_at)
                select @Id, @ChatId, @MessageId, @FileName, @MediaType, @Kind, @Size, @Content, @CreatedAt
                where exists (select 1 from messages m where m.id = @MessageId and m.chat_id = @ChatId)
                on conflict (id) do nothing
                """,
                PostgresAttachmentStore.Parameters(a, content),
                transaction,
                cancellationToken: cancellationToken));
        }
    }

    private static async Task ReplayOwnerDataAsync(NpgsqlConnection connection, string ownerId, string ownerFolder, CancellationToken cancellationToken)
    {
        if (await FileStore.ReadAsync<Preferences>(Path.Combine(ownerFolder, FilePreferenceRepository.FileName), cancellationToken) is { } preferences)
        {
            await connection.ExecuteAsync(new CommandDefinition(
                """
                insert into preferences as p (owner_id, ui_theme, brand_theme, model_id, share_usage_data, updated_at)
                values (@OwnerId, @UiTheme, @BrandTheme, @ModelId, @ShareUsageData, @UpdatedAt)
                on conflict (owner_id) do update set ui_theme = excluded.ui_theme, brand_theme = excluded.brand_theme,
                    model_id = excluded.model_id, share_usage_data = excluded.share_usage_data, updated_at = excluded.updated_at
                where p.updated_at <= excluded.updated_at
                """,
                new { preferences.OwnerId, preferences.UiTheme, preferences.BrandTheme, preferences.ModelId, preferences.ShareUsageData, UpdatedAt = preferences.UpdatedAt.UtcDateTime },
                cancellationToken: cancellationToken));
        }

        if (await FileStore.ReadAsync<StoredKey>(Path.Combine(ownerFolder, FileKeyVaultRepository.FileName), cancellationToken) is { } key)
        {
            await connection.ExecuteAsync(new CommandDefinition(
                """
                insert into openrouter_keys as k (owner_id, protected_key, label, created_at, updated_at)
                values (@OwnerId, @ProtectedKey, @Label, @CreatedAt, @UpdatedAt)
                on conflict (owner_id) do update set protected_key = excluded.protected_key, label = excluded.label, updated_at = excluded.updated_at
                where k.updated_at <= excluded.updated_at
                """,
                new { key.OwnerId, key.ProtectedKey, key.Label, CreatedAt = key.CreatedAt.UtcDateTime, UpdatedAt = key.UpdatedAt.UtcDateTime },
                cancellationToken: cancellationToken));
        }

        if (await FileStore.ReadAsync<Accounts.SessionStamp>(Path.Combine(ownerFolder, FileSessionStampRepository.FileName), cancellationToken) is { } stamp)
        {
            await connection.ExecuteAsync(new CommandDefinition(
                PostgresSessionStampRepository.Upsert, PostgresSessionStampRepository.Parameters(stamp), cancellationToken: cancellationToken));
        }

        var ledger = Path.Combine(ownerFolder, FileReplyLedger.FileName);
        if (File.Exists(ledger))
        {
            foreach (var line in await File.ReadAllLinesAsync(ledger, cancellationToken))
            {
                var parts = line.Split(' ');
                if (parts.Length != 2 || !long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var ticks))
                {
                    continue;
                }

                // The same line always gets the same id, so replaying it twice inserts it once.
                var id = new Guid(SHA256.HashData(Encoding.UTF8.GetBytes($"{ownerId} {line}")).AsSpan(0, 16));
                await connection.ExecuteAsync(new CommandDefinition(
                    "insert into reply_ledger (id, owner_id, key_source, created_at) values (@id, @ownerId, @source, @at) on conflict (id) do nothing",
                    new { id, ownerId, source = parts[1] == "user" ? "user" : "operator", at = new DateTime(ticks, DateTimeKind.Utc) },
                    cancellationToken: cancellationToken));
            }
        }
    }

    /// <summary>Empties the spool after a full replay.</summary>
    public void Clear() => spool.Clear();
}
