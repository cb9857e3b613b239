using System.Diagnostics;
using System.Net;
using System.Text;
using AngleSharp.Html.Parser;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using OpenChat.Web.Storage.Fallback;
using OpenChat.Web.Tests.Chats;
using OpenChat.Web.Tests.Infrastructure;
using Xunit.Abstractions;

namespace OpenChat.Web.Tests.Storage;

/// <summary>
/// One visitor's heavy request must not switch Postgres to the spool for everyone (issue 12, item 1): only a
/// Postgres that is not there opens the breaker; a slow or failing statement is that request's problem.
/// </summary>
[Trait("Category", TestCategories.Integration)]
public sealed class PostgresIsolationTests(ITestOutputHelper output)
{
    private const string Password = "correct horse battery staple";

    [Fact]
    public async Task A_search_through_huge_replies_neither_opens_the_breaker_nor_locks_others_out()
    {
        var database = new PostgresDatabase();
        await database.InitializeAsync();
        var email = $"other-{Guid.NewGuid():N}@example.com";
        var otherCookies = new System.Net.CookieContainer();
        var attackerCookies = new System.Net.CookieContainer();
        using (var setup = new AppHost(new Dictionary<string, string?> { ["ConnectionStrings:Postgres"] = database.ConnectionString }).Start())
        {
            using var member = new GuestSession(setup, otherCookies);
            using (var signUp = await member.PostAsync("/account/sign-up", new Dictionary<string, string> { ["name"] = "Other", ["email"] = email, ["password"] = Password }))
            {
                Assert.True(signUp.IsSuccessStatusCode || signUp.StatusCode == HttpStatusCode.Redirect, $"sign-up: {(int)signUp.StatusCode}");
            }

            // 30 replies of 200,000 characters (the import's limit for a reply): 100,000 one-letter words, searched for 8 of them.
            using var importer = new GuestSession(setup, attackerCookies);
            var start = DateTimeOffset.UtcNow.AddDays(-1);
            var turns = Enumerable.Range(0, 60).Select(i => i % 2 == 0
                ? new ExportDocument.Turn("user", $"Question {i}", start.AddSeconds(i))
                : new ExportDocument.Turn("assistant", HugeReply(i), start.AddSeconds(i)));
            await importer.ImportChatAsync(ExportDocument.Of("Huge replies", "openai/gpt-4o-mini", turns));
        }

        // Another instance on the same database, where Npgsql gives up on a statement after 4 s (Command Timeout, 30 s by
        // default, reported like a lost connection) to keep the test short. ts_headline over 100,000 words costs ~0.25 s
        // per reply on an idle machine, so the whole-message headlines of 30 replies took longer than that.
        using var app = new AppHost(new Dictionary<string, string?> { ["ConnectionStrings:Postgres"] = database.ConnectionString + ";Command Timeout=4" }).Start();
        using var other = new GuestSession(app, otherCookies);
        using var attacker = new GuestSession(app, attackerCookies);

        var clock = Stopwatch.StartNew();
        using var search = await attacker.GetAsync("/chat/search?q=a+b+c+d+e+f+g+h", htmx: true);
        clock.Stop();
        output.WriteLine($"search over 30 replies of 200,000 characters: {clock.ElapsedMilliseconds} ms");

        Assert.Equal(HttpStatusCode.OK, search.StatusCode);
        var results = new HtmlParser().ParseDocument("<ul>" + await search.Content.ReadAsStringAsync() + "</ul>");
        Assert.NotEmpty(results.QuerySelectorAll("a.search-link"));
        Assert.All(results.QuerySelectorAll(".search-snippet"), s => Assert.NotNull(s.QuerySelector("mark")));
        Assert.False(app.Services.GetRequiredService<PostgresBreaker>().IsOpen);
        using var signIn = await other.PostAsync("/account/sign-in", new Dictionary<string, string> { ["email"] = email, ["password"] = Password });
        Assert.True(signIn.IsSuccessStatusCode || signIn.StatusCode == HttpStatusCode.Redirect, $"sign-in after the search: {(int)signIn.StatusCode}");
    }

    [Fact]
    public async Task A_statement_past_its_timeout_is_cancelled_by_the_server_and_does_not_open_the_breaker()
    {
        var database = new PostgresDatabase();
        await database.InitializeAsync();
        using var app = new AppHost(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Postgres"] = database.ConnectionString,
            ["Storage:StatementTimeoutSeconds"] = "0.2",
        }).Start();
        var dataSource = app.Services.GetRequiredService<NpgsqlDataSource>();
        var breaker = app.Services.GetRequiredService<PostgresBreaker>();

        var error = await Assert.ThrowsAsync<PostgresException>(() => breaker.RunAsync(
            async () =>
            {
                await using var connection = await dataSource.OpenConnectionAsync();
                return await connection.ExecuteScalarAsync<int>("select 1 from pg_sleep(3)");
            },
            () => Task.FromResult(-1),
            default));

        Assert.Equal(PostgresErrorCodes.QueryCanceled, error.SqlState);
        Assert.False(breaker.IsOpen);
    }

    private static string HugeReply(int seed)
    {
        var text = new StringBuilder(200_000);
        for (var i = 0; text.Length < 199_998; i++)
        {
            text.Append((char)('a' + ((i * 7) + seed) % 26)).Append(' ');
        }

        return text.ToString();
    }
}
