using Npgsql;

namespace OpenChat.Web.Storage;

/// <summary>
/// Accepts both forms people paste: the URL form (<c>postgres://user:pass@host:5432/db?sslmode=require</c>)
/// and Npgsql's keyword form (<c>Host=...;Username=...</c>), and returns the keyword form.
/// </summary>
public static class PostgresConnectionString
{
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
