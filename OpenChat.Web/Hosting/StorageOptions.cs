namespace OpenChat.Web.Hosting;

/// <summary>Where chats live: <c>Storage:*</c> settings plus <c>ConnectionStrings:Postgres</c> / <c>DATABASE_URL</c>.</summary>
public sealed class StorageOptions
{
    public const string Section = "Storage";

    /// <summary>Folder of the file store (the embedded default, and the spool while Postgres is down).</summary>
    public string DataPath { get; set; } = "./data";

    /// <summary>Npgsql connection string, normalised from either the URL or the keyword form. Empty means file store.</summary>
    public string? PostgresConnectionString { get; set; }

    /// <summary>While Postgres is down, how often the app asks whether it answers again.</summary>
    public double ProbeIntervalSeconds { get; set; } = 5;

    /// <summary>
    /// Postgres cancels any statement running longer (<c>statement_timeout</c>, set for every connection of the pool).
    /// Migrations and the spool replay lift it for themselves.
    /// </summary>
    public double StatementTimeoutSeconds { get; set; } = 10;

    public StorageBackend Backend => string.IsNullOrWhiteSpace(PostgresConnectionString) ? StorageBackend.File : StorageBackend.Postgres;

    public string FullDataPath => Path.GetFullPath(DataPath);
}
