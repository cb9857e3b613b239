using OpenChat.Web.Tests.Infrastructure;

namespace OpenChat.Web.Tests.Accounts;

/// <summary>The guest-to-member story on Postgres (the transfer is one transaction there).</summary>
[Trait("Category", TestCategories.Browser)]
public sealed class AccountPostgresBrowserTests(PostgresDatabase db) : IClassFixture<PostgresDatabase>
{
    [Fact]
    public async Task A_guest_chat_follows_sign_up_sign_out_and_sign_in_on_postgres()
    {
        await using var openRouter = await FakeOpenRouter.StartAsync();
        var settings = AccountsApp.Settings(openRouter);
        settings["ConnectionStrings:Postgres"] = db.ConnectionString;
        using var host = new AppHost(settings).Start();

        await SharedBrowser.RunAsync(nameof(A_guest_chat_follows_sign_up_sign_out_and_sign_in_on_postgres),
            page => AccountJourney.GuestChatFollowsTheMemberAsync(page, host, openRouter));
    }
}
