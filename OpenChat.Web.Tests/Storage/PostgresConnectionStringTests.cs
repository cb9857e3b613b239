using Npgsql;
using OpenChat.Web.Storage;
using OpenChat.Web.Tests.Infrastructure;

namespace OpenChat.Web.Tests.Storage;

[Trait("Category", TestCategories.Unit)]
public sealed class PostgresConnectionStringTests
{
    [Fact]
    public void Url_form_becomes_keyword_form_with_escapes_and_ssl_mode()
    {
        var normalized = PostgresConnectionString.Normalize("postgres://chat%40app:p%3Ass%2Fw@db.example.com:6543/open%20chat?sslmode=require");

        var builder = new NpgsqlConnectionStringBuilder(normalized);
        Assert.Equal("db.example.com", builder.Host);
        Assert.Equal(6543, builder.Port);
        Assert.Equal("chat@app", builder.Username);
        Assert.Equal("p:ss/w", builder.Password);
        Assert.Equal("open chat", builder.Database);
        Assert.Equal(SslMode.Require, builder.SslMode);
    }

    [Fact]
    public void Postgresql_scheme_and_default_port_are_understood()
    {
        var builder = new NpgsqlConnectionStringBuilder(PostgresConnectionString.Normalize("postgresql://u@localhost/db"));

        Assert.Equal(("localhost", 5432, "u", "db"), (builder.Host, builder.Port, builder.Username, builder.Database));
    }

    [Fact]
    public void Keyword_form_passes_through()
    {
        var builder = new NpgsqlConnectionStringBuilder(PostgresConnectionString.Normalize("Host=127.0.0.1;Port=55432;Username=chat;Password=chat;Database=chat"));

        Assert.Equal(("127.0.0.1", 55432, "chat"), (builder.Host, builder.Port, builder.Database));
    }

    [Theory]
    [InlineData("Host=db;Username=u", PostgresConnectionString.DefaultMaxPoolSize)]
    [InlineData("Host=db;Username=u;Maximum Pool Size=7", 7)]
    [InlineData("Host=db;Username=u;MaxPoolSize=7", 7)]
    public void The_pool_stays_under_a_default_servers_connections_unless_the_string_sets_it(string connectionString, int expected)
    {
        var builder = new NpgsqlConnectionStringBuilder(PostgresConnectionString.WithDefaults(PostgresConnectionString.Normalize(connectionString)));

        Assert.Equal(expected, builder.MaxPoolSize);
        Assert.Equal("openchat", builder.ApplicationName);
    }

    [Theory]
    [InlineData("postgres://")]
    [InlineData("Hots=typo;Username=x")]
    public void Malformed_values_are_refused(string value)
    {
        Assert.ThrowsAny<Exception>(() => PostgresConnectionString.Normalize(value));
    }
}
