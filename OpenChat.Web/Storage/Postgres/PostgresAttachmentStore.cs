using Dapper;
using Npgsql;
using OpenChat.Web.Chats.Attachments;

namespace OpenChat.Web.Storage.Postgres;

/// <summary>Attachments in Postgres (<c>bytea</c>). Ownership is the chat's: every statement joins <c>chats.owner_id</c>.</summary>
public sealed class PostgresAttachmentStore(NpgsqlDataSource dataSource) : IAttachmentStore
{
    private const string Columns = "a.id, a.chat_id, a.message_id, a.file_name, a.media_type, a.kind, a.size_bytes, a.created_at";

    public async Task<bool> AddAsync(string ownerId, IReadOnlyList<StoredAttachment> attachments, CancellationToken cancellationToken)
    {
        if (attachments.Count == 0)
        {
            return true;
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        foreach (var (a, content) in attachments)
        {
            var inserted = await connection.ExecuteAsync(new CommandDefinition(
                """
                insert into attachments (id, chat_id, message_id, file_name, media_type, kind, size_bytes, content, created_at)
                select @Id, c.id, @MessageId, @FileName, @MediaType, @Kind, @Size, @Content, @CreatedAt
                from chats c where c.id = @ChatId and c.owner_id = @ownerId
                """,
                Parameters(a, content, ("ownerId", ownerId)),
                transaction,
                cancellationToken: cancellationToken));
            if (inserted == 0)
            {
                return false;
            }
        }

        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    /// <summary>
    /// Writes an attachment replayed from the spool, with its message; an attachment never changes, so one already
    /// there is kept. Part of the caller's transaction.
    /// </summary>
    public static Task UpsertAsync(NpgsqlTransaction transaction, StoredAttachment attachment, CancellationToken cancellationToken) =>
        transaction.Connection!.ExecuteAsync(new CommandDefinition(
            """
            insert into attachments (id, chat_id, message_id, file_name, media_type, kind, size_bytes, content, created_at)
            select @Id, @ChatId, @MessageId, @FileName, @MediaType, @Kind, @Size, @Content, @CreatedAt
            where exists (select 1 from messages m where m.id = @MessageId and m.chat_id = @ChatId)
            on conflict (id) do nothing
            """,
            Parameters(attachment.Attachment, attachment.Content),
            transaction,
            cancellationToken: cancellationToken));

    /// <summary>An attachment's columns as statement parameters, plus any extra ones.</summary>
    private static DynamicParameters Parameters(ChatAttachment attachment, byte[] content, params (string Name, object? Value)[] extra)
    {
        var parameters = new DynamicParameters(new
        {
            attachment.Id,
            attachment.ChatId,
            attachment.MessageId,
            attachment.FileName,
            attachment.MediaType,
            Kind = attachment.Kind.ToString().ToLowerInvariant(),
            Size = (int)attachment.SizeBytes,
            Content = content,
            CreatedAt = attachment.CreatedAt.UtcDateTime,
        });
        foreach (var (name, value) in extra)
        {
            parameters.Add(name, value);
        }

        return parameters;
    }

    public async Task<IReadOnlyList<ChatAttachment>> ListAsync(string ownerId, Guid chatId, IReadOnlyCollection<Guid> messageIds, CancellationToken cancellationToken)
    {
        if (messageIds.Count == 0)
        {
            return [];
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<Row>(new CommandDefinition(
            $"""
            select {Columns} from attachments a join chats c on c.id = a.chat_id
            where a.chat_id = @chatId and c.owner_id = @ownerId and a.message_id = any(@ids)
            order by a.created_at, a.id
            """,
            new { chatId, ownerId, ids = messageIds.ToArray() },
            cancellationToken: cancellationToken));
        return rows.Select(r => r.ToAttachment()).ToList();
    }

    public async Task<StoredAttachment?> FindAsync(string ownerId, Guid chatId, Guid attachmentId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<ContentRow>(new CommandDefinition(
            $"""
            select {Columns}, a.content from attachments a join chats c on c.id = a.chat_id
            where a.id = @attachmentId and a.chat_id = @chatId and c.owner_id = @ownerId
            """,
            new { attachmentId, chatId, ownerId },
            cancellationToken: cancellationToken));
        return row is null ? null : new StoredAttachment(row.ToAttachment(), row.content);
    }

    private static AttachmentKind ParseKind(string kind) => Enum.Parse<AttachmentKind>(kind, ignoreCase: true);

    private static DateTimeOffset AsUtc(DateTime value) => new(DateTime.SpecifyKind(value, DateTimeKind.Utc));

    private sealed record Row(Guid id, Guid chat_id, Guid message_id, string file_name, string media_type, string kind, int size_bytes, DateTime created_at)
    {
        public ChatAttachment ToAttachment() => new(id, chat_id, message_id, file_name, media_type, ParseKind(kind), size_bytes, AsUtc(created_at));
    }

    private sealed record ContentRow(Guid id, Guid chat_id, Guid message_id, string file_name, string media_type, string kind, int size_bytes, DateTime created_at, byte[] content)
    {
        public ChatAttachment ToAttachment() => new(id, chat_id, message_id, file_name, media_type, ParseKind(kind), size_bytes, AsUtc(created_at));
    }
}
