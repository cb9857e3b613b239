using Dapper;
using Npgsql;
using OpenChat.Web.Accounts;

namespace OpenChat.Web.Storage.Postgres;

public sealed class PostgresMemberRepository(NpgsqlDataSource dataSource) : IMemberRepository
{
    private const string Columns = "id, email, display_name, password_hash, created_at, updated_at";

    public async Task<bool> CreateAsync(Member member, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.ExecuteAsync(new CommandDefinition(
            """
            insert into members (id, email, email_normalized, display_name, password_hash, created_at, updated_at)
            values (@Id, @Email, @Normalized, @DisplayName, @PasswordHash, @CreatedAt, @UpdatedAt)
            on conflict (email_normalized) do nothing
            """,
            new
            {
                member.Id,
                member.Email,
                Normalized = Member.NormalizeEmail(member.Email),
                member.DisplayName,
                member.PasswordHash,
                CreatedAt = member.CreatedAt.UtcDateTime,
                UpdatedAt = member.UpdatedAt.UtcDateTime,
            },
            cancellationToken: cancellationToken));
        return rows == 1;
    }

    public async Task<Member?> FindAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<MemberRow>(new CommandDefinition(
            $"select {Columns} from members where id = @id", new { id }, cancellationToken: cancellationToken));
        return row?.ToMember();
    }

    public async Task<Member?> FindByEmailAsync(string email, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<MemberRow>(new CommandDefinition(
            $"select {Columns} from members where email_normalized = @normalized",
            new { normalized = Member.NormalizeEmail(email) },
            cancellationToken: cancellationToken));
        return row?.ToMember();
    }

    public async Task<bool> UpdateDisplayNameAsync(Guid id, string displayName, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(
            "update members set display_name = @displayName, updated_at = @at where id = @id",
            new { id, displayName, at = at.UtcDateTime }, cancellationToken: cancellationToken)) == 1;
    }

    public async Task<bool> UpdateEmailAsync(Guid id, string email, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        try
        {
            return await connection.ExecuteAsync(new CommandDefinition(
                "update members set email = @email, email_normalized = @normalized, updated_at = @at where id = @id",
                new { id, email, normalized = Member.NormalizeEmail(email), at = at.UtcDateTime }, cancellationToken: cancellationToken)) == 1;
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            return false;
        }
    }

    public async Task<bool> UpdatePasswordHashAsync(Guid id, string passwordHash, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(
            "update members set password_hash = @passwordHash, updated_at = @at where id = @id",
            new { id, passwordHash, at = at.UtcDateTime }, cancellationToken: cancellationToken)) == 1;
    }

    public async Task<int> TransferOwnershipAsync(string fromOwnerId, string toOwnerId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var parameters = new { from = fromOwnerId, to = toOwnerId };
        var chats = await connection.ExecuteAsync(new CommandDefinition(
            "update chats set owner_id = @to where owner_id = @from", parameters, transaction, cancellationToken: cancellationToken));
        await connection.ExecuteAsync(new CommandDefinition(
            "update reply_ledger set owner_id = @to where owner_id = @from", parameters, transaction, cancellationToken: cancellationToken));
        // The member's own preferences win; the guest's move only where the member has none. The guest's key never
        // moves here: the member is asked first (MemberSessions keeps it meanwhile).
        await connection.ExecuteAsync(new CommandDefinition(
            """
            delete from openrouter_keys where owner_id = @from;
            update preferences set owner_id = @to where owner_id = @from and not exists (select 1 from preferences where owner_id = @to);
            delete from preferences where owner_id = @from;
            """, parameters, transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
        return chats;
    }

    public async Task<bool> DeleteAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var owner = id.ToString("D");
        await connection.ExecuteAsync(new CommandDefinition(
            """
            delete from chats where owner_id = @owner;
            delete from openrouter_keys where owner_id = @owner;
            delete from preferences where owner_id = @owner;
            delete from reply_ledger where owner_id = @owner;
            delete from session_stamps where owner_id = @owner;
            """, new { owner }, transaction, cancellationToken: cancellationToken));
        var rows = await connection.ExecuteAsync(new CommandDefinition(
            "delete from members where id = @id", new { id }, transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
        return rows == 1;
    }

    private sealed record MemberRow(Guid id, string email, string display_name, string password_hash, DateTime created_at, DateTime updated_at)
    {
        public Member ToMember() => new(id, email, display_name, password_hash,
            new DateTimeOffset(DateTime.SpecifyKind(created_at, DateTimeKind.Utc)),
            new DateTimeOffset(DateTime.SpecifyKind(updated_at, DateTimeKind.Utc)));
    }
}
