using Microsoft.AspNetCore.Mvc;
using OpenChat.Web.Accounts;
using OpenChat.Web.Chats;
using OpenChat.Web.Conversations;
using OpenChat.Web.Platform;

namespace OpenChat.Web.Pages.Account;

/// <summary>
/// <c>/account</c> (members only; others go to sign-in): the display name, and deleting the account with
/// everything it owns.
/// </summary>
public sealed class IndexModel(AccountService accounts, MemberSessions sessions, IMemberRepository members, ChatQueries chats) : AccountForm
{
    public const string SignInUrl = "/account/sign-in?returnUrl=%2Faccount";

    public Member Member { get; private set; } = null!;

    public SidebarView Sidebar { get; private set; } = new([], false, null);

    /// <summary>The name as typed (after a refused change) or as stored.</summary>
    public string Name { get; private set; } = "";

    public bool NameSaved { get; private set; }

    /// <summary>Which form the errors belong to: "name" or "delete".</summary>
    public string? ErrorForm { get; private set; }

    public async Task<IActionResult> OnGetAsync(bool saved, CancellationToken cancellationToken)
    {
        if (!await LoadAsync(cancellationToken))
        {
            return Redirect(SignInUrl);
        }

        NameSaved = saved;
        return Page();
    }

    public async Task<IActionResult> OnPostNameAsync(string? name, CancellationToken cancellationToken)
    {
        if (!await LoadAsync(cancellationToken))
        {
            return Leave(SignInUrl);
        }

        var result = await accounts.ChangeDisplayNameAsync(Member.Id, name, cancellationToken);
        if (!result.Succeeded)
        {
            ErrorForm = "name";
            Name = name ?? "";
            return Refuse(result, "_DisplayNameForm");
        }

        Member = result.Member!;
        Name = Member.DisplayName;
        await sessions.RefreshAsync(HttpContext, Member);
        if (!Request.WantsFragment())
        {
            return Redirect("/account?saved=true");
        }

        NameSaved = true;
        return Partial("_DisplayNameForm", this);
    }

    public async Task<IActionResult> OnPostDeleteAsync(string? confirm, CancellationToken cancellationToken)
    {
        if (!await LoadAsync(cancellationToken))
        {
            return Leave(SignInUrl);
        }

        var result = await accounts.DeleteAsync(Member.Id, confirm, cancellationToken);
        if (!result.Succeeded)
        {
            ErrorForm = "delete";
            return Refuse(result, "_DeleteAccountForm");
        }

        sessions.Forget(Member.Id);
        await sessions.SignOutAsync(HttpContext);
        return Leave("/");
    }

    private async Task<bool> LoadAsync(CancellationToken cancellationToken)
    {
        if (User.FindMemberId() is not { } id || await members.FindAsync(id, cancellationToken) is not { } member)
        {
            return false;
        }

        Member = member;
        Name = member.DisplayName;
        var (list, hasMore) = await chats.ListAsync(member.OwnerId, null, cancellationToken);
        Sidebar = new SidebarView(list, hasMore, null);
        ViewData.SetLiveUrl(null);
        return true;
    }
}
