using System.Net;
using Dapper;
using Npgsql;
using OpenChat.Web.Tests.Accounts;
using OpenChat.Web.Tests.Chats;
using OpenChat.Web.Tests.Infrastructure;

namespace OpenChat.Web.Tests.Storage;

/// <summary>
/// Issue 12 item 6 on the fallback: signing out while Postgres is down still revokes the old cookie (the new session
/// stamp goes to the spool), and the stamp is replayed into Postgres, so another instance refuses that cookie too.
/// </summary>
[Trait("Category", TestCategories.Integration)]
public sealed class SessionStampFallbackTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_sign_out_during_an_outage_revokes_the_cookie_here_and_after_the_replay_everywhere()
    {
        await using var pg = await TempPostgres.CreateAsync();
        var connectionString = await pg.CreateDatabaseAsync("stamps");
        await using var postHog = await FakePostHog.StartAsync();
        var settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:Postgres"] = connectionString,
            ["Storage:ProbeIntervalSeconds"] = "0.1",
            ["PostHog:Host"] = postHog.BaseUrl.ToString(),
            ["PostHog:ApiKey"] = "phc_test",
            ["PostHog:FlushInterval"] = "00:00:00.100",
        };
        using var app = new AppHost(settings).Start();
        using var member = new GuestSession(app);
        await AccountHardeningTests.SignUpAsync(member, TestEmails.New("outage"));
        var before = await StampAsync(connectionString);
        Assert.NotNull(before);
        var stolen = AccountHardeningTests.Copy(member.Cookies, app.BaseAddress);
        using var thief = new GuestSession(app, AccountHardeningTests.Copy(stolen, app.BaseAddress));
        using (await member.GetAsync("/account"))
        {
        }

        await pg.StopAsync();
        using (var signOut = await member.PostAsync("/account/sign-out", currentUrl: "/account"))
        {
            Assert.Equal(HttpStatusCode.NoContent, signOut.StatusCode);
        }

        using (var replayed = await thief.GetAsync("/account"))
        {
            Assert.Equal(HttpStatusCode.Redirect, replayed.StatusCode);
        }

        await pg.StartAsync();
        await postHog.WaitForEventAsync(e => e.Event == "workspace.fallback_reconciled", Wait);
        var after = await StampAsync(connectionString);
        Assert.NotEqual(before, after);

        // A second instance, which never saw the sign-out, refuses the old cookie from what Postgres says.
        using var other = new AppHost(settings).Start();
        using var elsewhere = new GuestSession(other, AccountHardeningTests.Copy(stolen, other.BaseAddress));
        using var refused = await elsewhere.GetAsync("/account");
        Assert.Equal(HttpStatusCode.Redirect, refused.StatusCode);
    }

    private static async Task<string?> StampAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString);
        return await connection.ExecuteScalarAsync<string?>("select stamp from session_stamps");
    }
}
