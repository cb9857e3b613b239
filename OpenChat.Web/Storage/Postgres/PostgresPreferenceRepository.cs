using Dapper;
using Npgsql;
using OpenChat.Web.Accounts;

namespace OpenChat.Web.Storage.Postgres;

public sealed class PostgresPreferenceRepository(NpgsqlDataSource dataSource) : IPreferenceRepository
{
    public async Task<Preferences?> FindAsync(string ownerId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<PreferenceRow>(new CommandDefinition(
            "select owner_id, ui_theme, brand_theme, model_id, share_usage_data, updated_at from preferences where owner_id = @ownerId",
            new { ownerId }, cancellationToken: cancellationToken));
        return row is null
            ? null
            : new Preferences(row.owner_id, row.ui_theme ?? "system", row.brand_theme ?? "blue", row.model_id, row.share_usage_data,
                new DateTimeOffset(DateTime.SpecifyKind(row.updated_at, DateTimeKind.Utc)));
    }

    public async Task SaveAsync(Preferences preferences, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            insert into preferences (owner_id, ui_theme, brand_theme, model_id, share_usage_data, updated_at)
            values (@OwnerId, @UiTheme, @BrandTheme, @ModelId, @ShareUsageData, @UpdatedAt)
            on conflict (owner_id) do update set ui_theme = excluded.ui_theme, brand_theme = excluded.brand_theme,
                model_id = excluded.model_id, share_usage_data = excluded.share_usage_data, updated_at = excluded.updated_at
            """,
            new
            {
                preferences.OwnerId,
                preferences.UiTheme,
                preferences.BrandTheme,
                preferences.ModelId,
                preferences.ShareUsageData,
                UpdatedAt = preferences.UpdatedAt.UtcDateTime,
            },
            cancellationToken: cancellationToken));
    }

    /// <summary>Writes preferences replayed from the spool, unless Postgres has newer ones.</summary>
    public async Task UpsertAsync(Preferences preferences, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
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

    private sealed record PreferenceRow(string owner_id, string? ui_theme, string? brand_theme, string? model_id, bool share_usage_data, DateTime updated_at);
}
