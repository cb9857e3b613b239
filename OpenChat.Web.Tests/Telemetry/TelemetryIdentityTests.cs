using System.Net;
using OpenChat.Web.Tests.Accounts;
using OpenChat.Web.Tests.Chats;
using OpenChat.Web.Tests.Infrastructure;

namespace OpenChat.Web.Tests.Telemetry;

/// <summary>Who events are about: the anonymous id becomes the guest id, a guest's sign-up links the two, sign-out starts a new id.</summary>
[Trait("Category", TestCategories.Integration)]
public sealed class TelemetryIdentityTests
{
    [Fact]
    public async Task An_anonymous_visitors_analytics_id_stays_their_distinct_id_as_a_guest_but_is_not_their_guest_id()
    {
        await using var t = await TelemetryHarness.StartAsync();
        using var visitor = new GuestSession(t.Host);

        using (await visitor.GetAsync("/"))
        {
        }

        var landing = await t.WaitForAsync("$pageview");
        Assert.Equal("anonymous", landing.Property("auth_state"));
        Assert.True(landing.Property("$process_person_profile") == "false");
        Assert.Contains(visitor.Cookies.GetAllCookies(), c => c.Name == "oc_aid");

        var chatId = await t.StartChatAndWaitAsync(visitor, "hello");
        using (await visitor.GetAsync($"/chat/{chatId:D}"))
        {
        }

        var created = await t.WaitForAsync("chat.created");
        Assert.Equal(landing.DistinctId, created.DistinctId);
        Assert.Equal("guest", created.Property("auth_state"));
        Assert.Equal(landing.DistinctId, created.Property("workspace_id"));
        var thread = await t.WaitForAsync("$pageview", e => e.Property("page") == "chat/thread");
        Assert.Equal(landing.DistinctId, thread.DistinctId);
        Assert.Equal("guest", thread.Property("auth_state"));
        Assert.Equal("false", thread.Property("$process_person_profile"));
        Assert.All(t.PostHog.Events, e => Assert.Equal(landing.DistinctId, e.DistinctId));
    }

    [Fact]
    public async Task A_guest_who_signs_up_is_aliased_to_the_member_and_sign_out_gives_a_new_id()
    {
        await using var t = await TelemetryHarness.StartAsync();
        using var visitor = new GuestSession(t.Host);
        var chatId = await t.StartChatAndWaitAsync(visitor, "hello");
        var guestId = (await t.WaitForAsync("chat.created")).DistinctId;

        using (var signUp = await visitor.PostAsync("/account/sign-up", new Dictionary<string, string>
        {
            ["name"] = "Ida", ["email"] = TestEmails.New("alias"), ["password"] = "correct horse battery",
        }))
        {
            Assert.True(signUp.IsSuccessStatusCode || signUp.StatusCode == HttpStatusCode.Redirect, $"sign-up answered {(int)signUp.StatusCode}");
        }

        var alias = await t.WaitForAsync("$create_alias");
        Assert.Equal(guestId, alias.Property("alias"));
        var memberId = alias.DistinctId;
        Assert.NotEqual(guestId, memberId);
        Assert.Equal(memberId, (await t.WaitForAsync("auth.sign_up")).DistinctId);
        using (await visitor.GetAsync($"/chat/{chatId:D}"))
        {
        }

        var memberView = await t.WaitForAsync("$pageview", e => e.DistinctId == memberId);
        Assert.Equal("member", memberView.Property("auth_state"));
        Assert.Equal(memberId, memberView.Property("workspace_id"));
        Assert.False(memberView.HasProperty("$process_person_profile"));

        using (await visitor.PostAsync("/account/sign-out"))
        {
        }

        Assert.Equal(memberId, (await t.WaitForAsync("auth.sign_out")).DistinctId);
        var next = await t.StartChatAndWaitAsync(visitor, "after sign-out");
        var afterwards = await t.WaitForAsync("chat.created", e => e.Property("chat_id") == next.ToString("D"));
        Assert.NotEqual(memberId, afterwards.DistinctId);
        Assert.NotEqual(guestId, afterwards.DistinctId);
        Assert.Equal("guest", afterwards.Property("auth_state"));
        var later = t.PostHog.Events.SkipWhile(e => e.Event != "auth.sign_out").Skip(1).ToList();
        Assert.NotEmpty(later);
        Assert.All(later, e => Assert.NotEqual(memberId, e.DistinctId));
        Assert.Single(t.PostHog.Events, e => e.Event == "$create_alias");
    }
}
