using OpenChat.Web.Accounts;
using OpenChat.Web.Chats;
using OpenChat.Web.OpenRouter;

namespace OpenChat.Web.Tests.Storage;

/// <summary>
/// Members, removing a saved key, and moving or deleting everything an owner has: the file store and Postgres
/// (while Postgres is down these answer 503, so the spool does not run them).
/// </summary>
public abstract class AccountRepositoryContract : OwnerDataRepositoryContract
{
    protected abstract IMemberRepository Members { get; }

    protected abstract IChatRepository Chats { get; }

    private static Member NewMember(string? email = null) =>
        new(Guid.CreateVersion7(), email ?? $"ada.{Guid.NewGuid():N}@Example.org", "Ada", "hash", T0, T0);

    [Fact]
    public async Task Emails_are_unique_without_regard_to_case_and_spaces()
    {
        var member = NewMember();
        Assert.True(await Members.CreateAsync(member, default));

        Assert.False(await Members.CreateAsync(NewMember("  " + member.Email.ToUpperInvariant() + " "), default));
        Assert.Equal(member, await Members.FindByEmailAsync(member.Email.ToLowerInvariant(), default));
        Assert.Equal(member, await Members.FindAsync(member.Id, default));
        Assert.Null(await Members.FindByEmailAsync("nobody." + member.Email, default));
    }

    [Fact]
    public async Task Display_name_and_password_hash_can_change()
    {
        var member = NewMember();
        await Members.CreateAsync(member, default);

        Assert.True(await Members.UpdateDisplayNameAsync(member.Id, "Ada L.", T0.AddMinutes(1), default));
        Assert.True(await Members.UpdatePasswordHashAsync(member.Id, "rehashed", T0.AddMinutes(2), default));

        Assert.Equal(member with { DisplayName = "Ada L.", PasswordHash = "rehashed", UpdatedAt = T0.AddMinutes(2) }, await Members.FindAsync(member.Id, default));
        Assert.False(await Members.UpdateDisplayNameAsync(Guid.NewGuid(), "x", T0, default));
    }

    [Fact]
    public async Task A_saved_key_can_be_removed()
    {
        var owner = NewGuest();
        await Keys.SaveAsync(new StoredKey(owner, "CfDJ8-protected", "work", T0, T0), default);

        Assert.True(await Keys.RemoveAsync(owner, default));
        Assert.Null(await Keys.FindAsync(owner, default));
        Assert.False(await Keys.RemoveAsync(owner, default));
    }

    [Fact]
    public async Task Transfer_moves_a_guests_chats_ledger_and_preferences_to_a_member_but_never_the_key()
    {
        var guest = NewGuest();
        var member = NewMember();
        await Members.CreateAsync(member, default);
        var chat = new Chat(Guid.CreateVersion7(), guest, "Guest chat", false, null, T0, T0, T0);
        await Chats.CreateChatAsync(chat, default);
        var message = new ChatMessage(Guid.CreateVersion7(), chat.Id, MessageRole.User, "hello", MessageStatus.Complete, null, null, null, T0.AddSeconds(1), T0.AddSeconds(1));
        await Chats.AddMessageAsync(guest, message, default);
        await Keys.SaveAsync(new StoredKey(guest, "guest-key", null, T0, T0), default);
        await Preferences.SaveAsync(new Preferences(guest, "dark", "green", null, true, T0), default);
        await Ledger.RecordAsync(guest, KeySource.Operator, T0, default);

        var moved = await Members.TransferOwnershipAsync(guest, member.OwnerId, default);

        Assert.Equal(1, moved);
        Assert.Empty(await Chats.ListChatsAsync(guest, null, 50, default));
        Assert.Equal(chat with { OwnerId = member.OwnerId, LastMessageAt = message.CreatedAt, UpdatedAt = message.CreatedAt }, await Chats.FindChatAsync(member.OwnerId, chat.Id, default));
        Assert.Equal([message], await Chats.ListMessagesAsync(member.OwnerId, chat.Id, null, 50, default));
        // The guest's key is not the member's until they say so (MemberSessions asks): it does not move, and is gone.
        Assert.Null(await Keys.FindAsync(member.OwnerId, default));
        Assert.Equal("green", (await Preferences.FindAsync(member.OwnerId, default))!.BrandTheme);
        Assert.Null(await Keys.FindAsync(guest, default));
        Assert.Equal(1, await Ledger.CountSinceAsync(member.OwnerId, KeySource.Operator, T0.AddHours(-1), default));
        Assert.Equal(0, await Ledger.CountSinceAsync(guest, KeySource.Operator, T0.AddHours(-1), default));
    }

    [Fact]
    public async Task Transfer_keeps_the_members_own_key_and_preferences()
    {
        var guest = NewGuest();
        var member = NewMember();
        await Members.CreateAsync(member, default);
        await Keys.SaveAsync(new StoredKey(member.OwnerId, "member-key", null, T0, T0), default);
        await Preferences.SaveAsync(new Preferences(member.OwnerId, "light", "red", null, true, T0), default);
        await Keys.SaveAsync(new StoredKey(guest, "guest-key", null, T0, T0), default);
        await Preferences.SaveAsync(new Preferences(guest, "dark", "green", null, true, T0), default);

        await Members.TransferOwnershipAsync(guest, member.OwnerId, default);

        Assert.Equal("member-key", (await Keys.FindAsync(member.OwnerId, default))!.ProtectedKey);
        Assert.Equal("red", (await Preferences.FindAsync(member.OwnerId, default))!.BrandTheme);
        Assert.Null(await Keys.FindAsync(guest, default));
    }

    [Fact]
    public async Task Deleting_a_member_removes_everything_they_own_and_frees_the_email()
    {
        var member = NewMember();
        await Members.CreateAsync(member, default);
        var chat = new Chat(Guid.CreateVersion7(), member.OwnerId, "Mine", false, null, T0, T0, T0);
        await Chats.CreateChatAsync(chat, default);
        await Keys.SaveAsync(new StoredKey(member.OwnerId, "k", null, T0, T0), default);
        await Preferences.SaveAsync(new Preferences(member.OwnerId, "dark", "green", null, true, T0), default);
        await Ledger.RecordAsync(member.OwnerId, KeySource.Operator, T0, default);

        Assert.True(await Members.DeleteAsync(member.Id, default));

        Assert.Null(await Members.FindAsync(member.Id, default));
        Assert.Null(await Chats.FindChatAsync(member.OwnerId, chat.Id, default));
        Assert.Null(await Keys.FindAsync(member.OwnerId, default));
        Assert.Null(await Preferences.FindAsync(member.OwnerId, default));
        Assert.Equal(0, await Ledger.CountSinceAsync(member.OwnerId, KeySource.Operator, T0.AddHours(-1), default));
        Assert.True(await Members.CreateAsync(member with { Id = Guid.CreateVersion7() }, default));
    }
}
