using Dapper;
using Npgsql;
using OpenChat.Web.Chats;
using OpenChat.Web.Chats.Search;

namespace OpenChat.Web.Storage.Postgres;

/// <summary>
/// Search with the GIN-indexed <c>search_vector</c> columns of <c>sql/005_search.sql</c>. The query text is a
/// bound parameter built from letters and digits only (<see cref="SearchQuery.ToTsQuery"/>).
/// </summary>
public sealed class PostgresChatSearch(NpgsqlDataSource dataSource) : IChatSearch
{
    // ts_headline marks matches with control characters the markup turns into <mark> after escaping the text;
    // the same characters are removed from the text first, so stored text cannot mark anything itself.
    private const string HeadlineOptions = "StartSel=\u0002, StopSel=\u0003, MaxWords=24, MinWords=8, MaxFragments=1";

    /// <summary>
    /// Characters of a message <c>ts_headline</c> looks at: a window starting a little before the first place the
    /// first word occurs (else the message's start). Its cost grows with the text it parses (a quarter of a second
    /// for a 200,000-character reply), and a snippet shows 24 words.
    /// </summary>
    public const int HeadlineWindow = 4_000;

    /// <summary>The search statement (public so the bench can <c>explain analyze</c> exactly what the app runs).</summary>
    public const string SearchSql = """
            with q as (select to_tsquery('simple', @tsQuery) as query),
            titles as (
                select c.id as chat_id, c.title, null::uuid as message_id,
                       ts_headline('simple', translate(c.title, chr(2) || chr(3), ''), q.query, @options) as snippet,
                       c.last_message_at as at
                from chats c, q
                where c.owner_id = @ownerId and c.search_vector @@ q.query
                order by c.last_message_at desc
                limit @limit
            ),
            texts as (
                select m.chat_id, c.title, m.id as message_id, m.content, m.created_at as at
                from messages m join chats c on c.id = m.chat_id, q
                where c.owner_id = @ownerId and m.search_vector @@ q.query
                order by m.created_at desc
                limit @limit
            )
            select chat_id, title, message_id, snippet, at from titles
            union all
            select t.chat_id, t.title, t.message_id,
                   ts_headline('simple', translate(
                       case when length(t.content) <= @window then t.content
                            else substr(t.content, greatest(1, strpos(lower(t.content), @firstTerm) - @window / 4), @window) end,
                       chr(2) || chr(3), ''), q.query, @options) as snippet, t.at
            from texts t, q
            order by at desc
            limit @limit
            """;

    public static object Parameters(string ownerId, SearchQuery query, int limit) =>
        new { ownerId, tsQuery = query.ToTsQuery(), options = HeadlineOptions, limit, window = HeadlineWindow, firstTerm = query.Terms[0] };

    public async Task<IReadOnlyList<SearchHit>> SearchAsync(string ownerId, SearchQuery query, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<HitRow>(new CommandDefinition(SearchSql, Parameters(ownerId, query, limit), cancellationToken: cancellationToken));
        return rows.Select(r => new SearchHit(r.chat_id, r.title, r.message_id, r.snippet, new DateTimeOffset(DateTime.SpecifyKind(r.at, DateTimeKind.Utc)))).ToList();
    }

    public async Task<MessageCursor?> LocateMessageAsync(string ownerId, Guid chatId, Guid messageId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var createdAt = await connection.QuerySingleOrDefaultAsync<DateTime?>(new CommandDefinition(
            """
            select m.created_at from messages m join chats c on c.id = m.chat_id
            where m.id = @messageId and m.chat_id = @chatId and c.owner_id = @ownerId
            """,
            new { ownerId, chatId, messageId },
            cancellationToken: cancellationToken));
        return createdAt is { } at ? new MessageCursor(new DateTimeOffset(DateTime.SpecifyKind(at, DateTimeKind.Utc)), messageId) : null;
    }

    private sealed record HitRow(Guid chat_id, string title, Guid? message_id, string snippet, DateTime at);
}
