using Npgsql;

namespace OpenChat.Web.Storage;

/// <summary>
/// Accepts both forms people paste: the URL form (<c>postgres://user:pass@host:5432/db?sslmode=require</c>)
/// and Npgsql's keyword form (<c>Host=...;Username=...</c>), and returns the keyword form.
/// </summary>
public static class PostgresConnectionString
{
    /// <summary>Connections per instance unless the connection string says otherwise (<c>Maximum Pool Size</c>).</summary>
    public const int DefaultMaxPoolSize = 40;

    /// <summary>
    /// The application name, and a pool of <see cref="DefaultMaxPoolSize"/>: Npgsql's default (100) plus the listening
    /// connection would exceed a default server's <c>max_connections</c> (100) by itself; under load the server then
    /// refuses connections, and the breaker takes that for an outage.
    /// </summary>
    /// <remarks>
    /// <paramref name="statementTimeout"/> becomes the server's <c>statement_timeout</c> for every connection (in the
    /// start-up packet: no extra round trip per statement, and no statement can forget it). It is kept under Npgsql's
    /// <c>Command Timeout</c>, so a slow statement is cancelled by the server (SQLSTATE 57014, one request's error)
    /// before Npgsql gives up waiting (which looks like a lost connection).
    /// </remarks>
    public static string WithDefaults(string keywordForm, TimeSpan? statementTimeout = null)
    {
        // Only the keys actually written count (Npgsql's own builder reports every key it knows as present).
        var written = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = keywordForm };
        var builder = new NpgsqlConnectionStringBuilder(keywordForm);
        builder.ApplicationName ??= "openchat";
        if (!PoolSizeKeys.Any(written.ContainsKey))
        {
            builder.MaxPoolSize = DefaultMaxPoolSize;
        }

        if (statementTimeout is { } timeout && timeout > TimeSpan.Zero)
        {
            if (builder.CommandTimeout > 0)
            {
                timeout = TimeSpan.FromMilliseconds(Math.Min(timeout.TotalMilliseconds, builder.CommandTimeout * 1000 / 2.0));
            }

            var option = $"-c statement_timeout={Math.Max(1, (long)timeout.TotalMilliseconds)}";
            builder.Options = string.IsNullOrWhiteSpace(builder.Options) ? option : builder.Options + " " + option;
        }

        return builder.ConnectionString;
    }

    private static readonly string[] PoolSizeKeys = ["Maximum Pool Size", "MaxPoolSize"];

    public static string Normalize(string value)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(value);
        value = value.Trim();
        if (value.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase) ||
            value.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase))
        {
            return FromUrl(value);
        }

        // Throws ArgumentException on an unknown keyword or malformed pair.
        return new NpgsqlConnectionStringBuilder(value).ConnectionString;
    }

    private static string FromUrl(string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || string.IsNullOrEmpty(uri.Host))
        {
            throw new FormatException("The database URL is not a valid postgres://user:password@host:port/database URL.");
        }

        var builder = new NpgsqlConnectionStringBuilder
        {
            Host = uri.Host.Trim('[', ']'),
            Port = uri.IsDefaultPort || uri.Port <= 0 ? 5432 : uri.Port,
        };

        var database = Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/'));
        if (database.Length > 0)
        {
            builder.Database = database;
        }

        if (uri.UserInfo.Length > 0)
        {
            var separator = uri.UserInfo.IndexOf(':', StringComparison.Ordinal);
            builder.Username = Uri.UnescapeDataString(separator < 0 ? uri.UserInfo : uri.UserInfo[..separator]);
            if (separator >= 0)
            {
                builder.Password = Uri.UnescapeDataString(uri.UserInfo[(separator + 1)..]);
            }
        }

        foreach (var pair in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = pair.Split('=', 2);
            var key = Uri.UnescapeDataString(parts[0]);
            var value = parts.Length > 1 ? Uri.UnescapeDataString(parts[1]) : string.Empty;
            switch (key.ToUpperInvariant())
            {
                case "SSLMODE":
                    builder.SslMode = Enum.Parse<SslMode>(value, ignoreCase: true);
                    break;
                case "APPLICATION_NAME":
                    builder.ApplicationName = value;
                    break;
                default:
                    builder[key] = value;
                    break;
            }
        }

        return builder.ConnectionString;
    }
}
