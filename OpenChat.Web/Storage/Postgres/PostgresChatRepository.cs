using Dapper;
using Npgsql;
using OpenChat.Web.Chats;
using OpenChat.Web.Instances;

namespace OpenChat.Web.Storage.Postgres;

/// <summary>Chats and messages in Postgres. Every statement carries <c>owner_id = @ownerId</c>.</summary>
/// <remarks>A streaming reply records the instance writing it, so other instances can tell when it was orphaned.</remarks>
public sealed class PostgresChatRepository(NpgsqlDataSource dataSource, InstanceIdentity? instance = null) : IChatRepository
{
    private readonly Guid? _instanceId = instance?.Id;

    private const string ChatColumns = "id, owner_id, title, title_is_custom, model_id, created_at, updated_at, last_message_at";

    private const string MessageColumns =
        "m.id, m.chat_id, m.role, m.content, m.status, m.model_id, m.prompt_tokens, m.completion_tokens, m.cost_usd, m.error_kind, m.created_at, m.updated_at";

    public async Task CreateChatAsync(Chat chat, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            $"""
            insert into chats ({ChatColumns})
            values (@Id, @OwnerId, @Title, @TitleIsCustom, @ModelId, @CreatedAt, @UpdatedAt, @LastMessageAt)
            """,
            Parameters(chat),
            cancellationToken: cancellationToken));
    }

    public async Task<Chat?> FindChatAsync(string ownerId, Guid chatId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<ChatRow>(new CommandDefinition(
            $"select {ChatColumns} from chats where id = @chatId and owner_id = @ownerId",
            new { chatId, ownerId },
            cancellationToken: cancellationToken));
        return row?.ToChat();
    }

    public async Task<IReadOnlyList<Chat>> ListChatsAsync(string ownerId, ChatListCursor? after, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var sql = after is null
            ? $"select {ChatColumns} from chats where owner_id = @ownerId order by last_message_at desc, id desc limit @limit"
            : $"""
              select {ChatColumns} from chats
              where owner_id = @ownerId and (last_message_at, id) < (@at, @id)
              order by last_message_at desc, id desc limit @limit
              """;
        var rows = await connection.QueryAsync<ChatRow>(new CommandDefinition(
            sql,
            new { ownerId, limit, at = after?.LastMessageAt.UtcDateTime, id = after?.Id },
            cancellationToken: cancellationToken));
        return rows.Select(r => r.ToChat()).ToList();
    }

    public async Task<bool> RenameChatAsync(string ownerId, Guid chatId, string title, bool isCustom, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.ExecuteAsync(new CommandDefinition(
            "update chats set title = @title, title_is_custom = @isCustom, updated_at = @at where id = @chatId and owner_id = @ownerId",
            new { chatId, ownerId, title, isCustom, at = at.UtcDateTime },
            cancellationToken: cancellationToken));
        return rows == 1;
    }

    public async Task<bool> SetChatModelAsync(string ownerId, Guid chatId, string modelId, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.ExecuteAsync(new CommandDefinition(
            "update chats set model_id = @modelId, updated_at = @at where id = @chatId and owner_id = @ownerId",
            new { chatId, ownerId, modelId, at = at.UtcDateTime },
            cancellationToken: cancellationToken));
        return rows == 1;
    }

    public async Task<bool> DeleteChatAsync(string ownerId, Guid chatId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        // Messages go with the chat (on delete cascade), in the same statement.
        var rows = await connection.ExecuteAsync(new CommandDefinition(
            "delete from chats where id = @chatId and owner_id = @ownerId",
            new { chatId, ownerId },
            cancellationToken: cancellationToken));
        return rows == 1;
    }

    public async Task<bool> AddMessageAsync(string ownerId, ChatMessage message, CancellationToken cancellationToken)
    {
        var parameters = Parameters(message, ("ownerId", ownerId));
        parameters.Add("instanceId", _instanceId, System.Data.DbType.Guid); // typed even when null: it is the value of a case
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        // One statement: the insert happens only when the owner has the chat, and moves its last activity.
        var rows = await connection.ExecuteAsync(new CommandDefinition(
            """
            with owned as (
                update chats set last_message_at = greatest(last_message_at, @CreatedAt), updated_at = greatest(updated_at, @CreatedAt)
                where id = @ChatId and owner_id = @ownerId
                returning id
            )
            insert into messages (id, chat_id, role, content, status, model_id, prompt_tokens, completion_tokens, cost_usd, error_kind, created_at, updated_at, instance_id)
            select @Id, owned.id, @Role, @Content, @Status, @ModelId, @PromptTokens, @CompletionTokens, @CostUsd, @ErrorKind, @CreatedAt, @UpdatedAt,
                   case when @Status = 'streaming' then @instanceId end
            from owned
            """,
            parameters,
            cancellationToken: cancellationToken));
        return rows == 1;
    }

    /// <summary>A chat's columns as statement parameters.</summary>
    private static object Parameters(Chat chat) => new
    {
        chat.Id,
        chat.OwnerId,
        chat.Title,
        chat.TitleIsCustom,
        chat.ModelId,
        CreatedAt = chat.CreatedAt.UtcDateTime,
        UpdatedAt = chat.UpdatedAt.UtcDateTime,
        LastMessageAt = chat.LastMessageAt.UtcDateTime,
    };

    /// <summary>A message's columns as statement parameters (also used to replay the spool), plus any extra ones.</summary>
    internal static DynamicParameters Parameters(ChatMessage message, params (string Name, object? Value)[] extra)
    {
        var parameters = new DynamicParameters(new
        {
            message.Id,
            message.ChatId,
            Role = message.Role.ToWireName(),
            message.Content,
            Status = message.Status.ToWireName(),
            message.ModelId,
            message.Usage?.PromptTokens,
            message.Usage?.CompletionTokens,
            message.Usage?.CostUsd,
            message.ErrorKind,
            CreatedAt = message.CreatedAt.UtcDateTime,
            UpdatedAt = message.UpdatedAt.UtcDateTime,
        });
        foreach (var (name, value) in extra)
        {
            parameters.Add(name, value);
        }

        return parameters;
    }

    public async Task<IReadOnlyList<ChatMessage>> ListMessagesAsync(string ownerId, Guid chatId, MessageCursor? before, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var older = before is null ? string.Empty : "and (m.created_at, m.id) < (@at, @id)";
        var rows = await connection.QueryAsync<MessageRow>(new CommandDefinition(
            $"""
            select * from (
                select {MessageColumns}
                from messages m join chats c on c.id = m.chat_id
                where m.chat_id = @chatId and c.owner_id = @ownerId {older}
                order by m.created_at desc, m.id desc
                limit @limit
            ) page order by created_at, id
            """,
            new { chatId, ownerId, limit, at = before?.CreatedAt.UtcDateTime, id = before?.Id },
            cancellationToken: cancellationToken));
        return rows.Select(r => r.ToMessage()).ToList();
    }

    public async Task<bool> UpdateMessageAsync(string ownerId, Guid chatId, MessageUpdate update, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.ExecuteAsync(new CommandDefinition(
            """
            update messages m set
                content = @Content, status = @Status, error_kind = @ErrorKind,
                prompt_tokens = @PromptTokens, completion_tokens = @CompletionTokens, cost_usd = @CostUsd,
                updated_at = @UpdatedAt, instance_id = case when @Status = 'streaming' then @instanceId end
            from chats c
            where m.id = @MessageId and m.chat_id = @chatId and c.id = m.chat_id and c.owner_id = @ownerId
            """,
            new
            {
                ownerId,
                chatId,
                instanceId = _instanceId,
                update.MessageId,
                update.Content,
                Status = update.Status.ToWireName(),
                update.ErrorKind,
                update.Usage?.PromptTokens,
                update.Usage?.CompletionTokens,
                update.Usage?.CostUsd,
                UpdatedAt = update.UpdatedAt.UtcDateTime,
            },
            cancellationToken: cancellationToken));
        return rows == 1;
    }

    public async Task<int> InterruptStreamingMessagesAsync(DateTimeOffset at, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(
            "update messages set status = 'interrupted', updated_at = @at where status = 'streaming'",
            new { at = at.UtcDateTime },
            cancellationToken: cancellationToken));
    }

    public async Task ImportChatAsync(Chat chat, IReadOnlyList<ChatMessage> messages, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            $"insert into chats ({ChatColumns}) values (@Id, @OwnerId, @Title, @TitleIsCustom, @ModelId, @CreatedAt, @UpdatedAt, @LastMessageAt)",
            Parameters(chat),
            transaction,
            cancellationToken: cancellationToken));

        // Binary COPY: one round trip for thousands of rows (an insert per row took ~2 ms each), in batches of about
        // ImportBatchCharacters of text, so that no statement (indexing the text for search) nears statement_timeout.
        foreach (var batch in Batches(messages))
        {
            await CopyAsync(connection, chat.Id, batch, cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>Characters of message text per COPY statement of an import.</summary>
    public const int ImportBatchCharacters = 256 * 1024;

    private static IEnumerable<List<ChatMessage>> Batches(IReadOnlyList<ChatMessage> messages)
    {
        var batch = new List<ChatMessage>();
        var characters = 0L;
        foreach (var message in messages)
        {
            if (batch.Count > 0 && characters + message.Content.Length > ImportBatchCharacters)
            {
                yield return batch;
                (batch, characters) = ([], 0);
            }

            batch.Add(message);
            characters += message.Content.Length;
        }

        if (batch.Count > 0)
        {
            yield return batch;
        }
    }

    private static async Task CopyAsync(NpgsqlConnection connection, Guid chatId, List<ChatMessage> messages, CancellationToken cancellationToken)
    {
        await using (var copy = await connection.BeginBinaryImportAsync(
            "copy messages (id, chat_id, role, content, status, model_id, prompt_tokens, completion_tokens, cost_usd, error_kind, created_at, updated_at) from stdin (format binary)",
            cancellationToken))
        {
            foreach (var m in messages)
            {
                await copy.StartRowAsync(cancellationToken);
                await copy.WriteAsync(m.Id, NpgsqlTypes.NpgsqlDbType.Uuid, cancellationToken);
                await copy.WriteAsync(chatId, NpgsqlTypes.NpgsqlDbType.Uuid, cancellationToken);
                await copy.WriteAsync(m.Role.ToWireName(), NpgsqlTypes.NpgsqlDbType.Text, cancellationToken);
                await copy.WriteAsync(m.Content, NpgsqlTypes.NpgsqlDbType.Text, cancellationToken);
                await copy.WriteAsync(m.Status.ToWireName(), NpgsqlTypes.NpgsqlDbType.Text, cancellationToken);
                await WriteNullableAsync(copy, m.ModelId, NpgsqlTypes.NpgsqlDbType.Text, cancellationToken);
                await WriteNullableAsync(copy, m.Usage?.PromptTokens, NpgsqlTypes.NpgsqlDbType.Integer, cancellationToken);
                await WriteNullableAsync(copy, m.Usage?.CompletionTokens, NpgsqlTypes.NpgsqlDbType.Integer, cancellationToken);
                await WriteNullableAsync(copy, m.Usage?.CostUsd, NpgsqlTypes.NpgsqlDbType.Numeric, cancellationToken);
                await WriteNullableAsync(copy, m.ErrorKind, NpgsqlTypes.NpgsqlDbType.Text, cancellationToken);
                await copy.WriteAsync(m.CreatedAt.UtcDateTime, NpgsqlTypes.NpgsqlDbType.TimestampTz, cancellationToken);
                await copy.WriteAsync(m.UpdatedAt.UtcDateTime, NpgsqlTypes.NpgsqlDbType.TimestampTz, cancellationToken);
            }

            await copy.CompleteAsync(cancellationToken);
        }
    }

    /// <summary>
    /// Writes a chat replayed from the spool: inserted, or updated where the spooled version is at least as new
    /// (<c>updated_at</c>); never across owners. Part of the caller's transaction.
    /// </summary>
    /// <returns>False when Postgres already had a newer version (a conflict it won).</returns>
    public static Task<bool> UpsertChatAsync(NpgsqlTransaction transaction, Chat chat, CancellationToken cancellationToken) =>
        transaction.Connection!.ExecuteScalarAsync<bool>(new CommandDefinition(
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
            Parameters(chat),
            transaction,
            cancellationToken: cancellationToken));

    /// <summary>Writes a message replayed from the spool: inserted, or updated unless Postgres has a newer version.</summary>
    /// <returns>False when Postgres already had a newer version.</returns>
    public static async Task<bool> UpsertMessageAsync(NpgsqlTransaction transaction, ChatMessage message, CancellationToken cancellationToken) =>
        await transaction.Connection!.ExecuteAsync(new CommandDefinition(
            """
            insert into messages as m (id, chat_id, role, content, status, model_id, prompt_tokens, completion_tokens, cost_usd, error_kind, created_at, updated_at)
            values (@Id, @ChatId, @Role, @Content, @Status, @ModelId, @PromptTokens, @CompletionTokens, @CostUsd, @ErrorKind, @CreatedAt, @UpdatedAt)
            on conflict (id) do update set
                content = excluded.content, status = excluded.status, model_id = excluded.model_id,
                prompt_tokens = excluded.prompt_tokens, completion_tokens = excluded.completion_tokens, cost_usd = excluded.cost_usd,
                error_kind = excluded.error_kind, updated_at = excluded.updated_at
            where m.chat_id = excluded.chat_id and m.updated_at <= excluded.updated_at
            """,
            Parameters(message),
            transaction,
            cancellationToken: cancellationToken)) == 1;

    public async Task<OwnerFootprint> FootprintAsync(string ownerId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleAsync<(long Chats, long Messages, long TextBytes)>(new CommandDefinition(
            """
            select (select count(*) from chats where owner_id = @ownerId),
                   count(m.id),
                   coalesce(sum(octet_length(m.content)), 0)::bigint
            from chats c join messages m on m.chat_id = c.id
            where c.owner_id = @ownerId
            """,
            new { ownerId },
            cancellationToken: cancellationToken));
        return new OwnerFootprint((int)row.Chats, row.Messages, row.TextBytes);
    }

    private static Task WriteNullableAsync(NpgsqlBinaryImporter copy, string? value, NpgsqlTypes.NpgsqlDbType type, CancellationToken cancellationToken) =>
        value is null ? copy.WriteNullAsync(cancellationToken) : copy.WriteAsync(value, type, cancellationToken);

    private static Task WriteNullableAsync<T>(NpgsqlBinaryImporter copy, T? value, NpgsqlTypes.NpgsqlDbType type, CancellationToken cancellationToken)
        where T : struct =>
        value is { } present ? copy.WriteAsync(present, type, cancellationToken) : copy.WriteNullAsync(cancellationToken);

    private sealed record ChatRow(
        Guid id, string owner_id, string title, bool title_is_custom, string? model_id,
        DateTime created_at, DateTime updated_at, DateTime last_message_at)
    {
        public Chat ToChat() => new(id, owner_id, title, title_is_custom, model_id,
            AsUtc(created_at), AsUtc(updated_at), AsUtc(last_message_at));
    }

    private sealed record MessageRow(
        Guid id, Guid chat_id, string role, string content, string status, string? model_id,
        int? prompt_tokens, int? completion_tokens, decimal? cost_usd, string? error_kind,
        DateTime created_at, DateTime updated_at)
    {
        public ChatMessage ToMessage() => new(
            id, chat_id, ChatWireNames.ParseRole(role), content, ChatWireNames.ParseStatus(status), model_id,
            prompt_tokens is null && completion_tokens is null && cost_usd is null ? null : new MessageUsage(prompt_tokens, completion_tokens, cost_usd),
            error_kind, AsUtc(created_at), AsUtc(updated_at));
    }

    private static DateTimeOffset AsUtc(DateTime value) => new(DateTime.SpecifyKind(value, DateTimeKind.Utc));
}
