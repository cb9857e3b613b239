using System.Net.Sockets;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using OpenChat.Web.Hosting;
using OpenChat.Web.Storage;
using OpenChat.Web.Storage.Fallback;
using OpenChat.Web.Tests.Infrastructure;

namespace OpenChat.Web.Tests.Storage;

[Trait("Category", TestCategories.Unit)]
public sealed class PostgresBreakerTests
{
    [Theory]
    [InlineData("57P01", true)]  // admin shutdown
    [InlineData("57P03", true)]  // cannot connect now (starting up)
    [InlineData("08006", true)]  // connection failure
    [InlineData("53300", true)]  // too many connections
    [InlineData("23505", false)] // unique violation: a bug or a race, not an outage
    [InlineData("42P01", false)] // undefined table
    [InlineData("57014", false)] // statement timeout: one request's query was too slow
    [InlineData("53200", false)] // out of memory in one query
    [InlineData("54000", false)] // program limit (e.g. a tsvector too long)
    [InlineData("22021", false)] // bad text (a NUL byte)
    public void A_server_error_is_an_outage_only_when_it_says_the_server_is_not_there(string sqlState, bool outage) =>
        Assert.Equal(outage, PostgresBreaker.IsOutage(new PostgresException("message", "FATAL", "FATAL", sqlState)));

    [Fact]
    public void Network_failures_are_outages_and_other_exceptions_are_not()
    {
        Assert.True(PostgresBreaker.IsOutage(new NpgsqlException("Failed to connect", new SocketException((int)SocketError.ConnectionRefused))));
        Assert.True(PostgresBreaker.IsOutage(new TimeoutException()));
        Assert.True(PostgresBreaker.IsOutage(new InvalidOperationException("wrapped", new IOException("broken pipe"))));
        Assert.False(PostgresBreaker.IsOutage(new InvalidOperationException("a bug")));
        Assert.False(PostgresBreaker.IsOutage(new ArgumentException("bad input")));
    }

    [Fact]
    public void Npgsql_errors_about_one_statement_are_not_outages()
    {
        // What Npgsql raises itself for a statement it could not send or read (bad text, bad parameter), with the connection fine.
        Assert.False(PostgresBreaker.IsOutage(new NpgsqlException("Exception while writing to stream", new System.Text.EncoderFallbackException("lone surrogate"))));
        Assert.False(PostgresBreaker.IsOutage(new NpgsqlException("Can't write CLR type", new InvalidCastException())));
        Assert.False(PostgresBreaker.IsOutage(new NpgsqlException("The statement failed")));
        Assert.True(PostgresBreaker.IsOutage(new NpgsqlException("Exception while reading from stream", new EndOfStreamException())));
    }

    [Fact]
    public async Task A_failing_call_is_redone_on_the_spool_and_later_calls_skip_Postgres_until_it_closes()
    {
        var breaker = NewBreaker();
        var postgresCalls = 0;
        Task<string> Postgres()
        {
            postgresCalls++;
            return breaker.IsOpen || postgresCalls > 1 ? Task.FromResult("postgres") : throw new NpgsqlException("Failed to connect", new SocketException((int)SocketError.ConnectionRefused));
        }

        Assert.Equal("spool", await breaker.RunAsync(Postgres, () => Task.FromResult("spool"), default));
        Assert.True(breaker.IsOpen);
        Assert.Equal("spool", await breaker.RunAsync(Postgres, () => Task.FromResult("spool"), default));
        Assert.Equal(1, postgresCalls);

        breaker.Close();
        Assert.Equal("postgres", await breaker.RunAsync(Postgres, () => Task.FromResult("spool"), default));
    }

    [Fact]
    public async Task Draining_waits_for_spool_calls_inside_and_holds_new_ones_until_Postgres_takes_them()
    {
        var breaker = NewBreaker();
        breaker.Trip(new TimeoutException());
        var inside = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var running = breaker.RunAsync(() => Task.FromResult("postgres"), async () =>
        {
            inside.SetResult();
            await release.Task;
            return "spool";
        }, default);
        await inside.Task;

        var drained = breaker.DrainAsync();
        var waiting = breaker.RunAsync(() => Task.FromResult("postgres"), () => Task.FromResult("spool"), default);
        Assert.False(drained.IsCompleted);
        Assert.False(waiting.IsCompleted);

        release.SetResult();
        Assert.Equal("spool", await running);
        await drained;
        Assert.False(waiting.IsCompleted);

        breaker.Close();
        Assert.Equal("postgres", await waiting);
    }

    private static PostgresBreaker NewBreaker() => new(
        Options.Create(new StorageOptions { PostgresConnectionString = "Host=127.0.0.1;Username=app" }),
        NullLogger<PostgresBreaker>.Instance);
}
