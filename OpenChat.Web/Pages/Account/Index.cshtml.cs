using Microsoft.AspNetCore.Mvc;
using OpenChat.Web.Accounts;
using OpenChat.Web.Chats;
using OpenChat.Web.Conversations;
using OpenChat.Web.Platform;

namespace OpenChat.Web.Pages.Account;

/// <summary>
/// <c>/account</c> (members only; others go to sign-in): the display name, email and password, signing out of other
/// devices, and deleting the account with everything it owns.
/// </summary>
public sealed class IndexModel(AccountService accounts, MemberSessions sessions, IMemberRepository members, ChatQueries chats, StopReply stop) : AccountForm
{
    public const string SignInUrl = "/account/sign-in?returnUrl=%2Faccount";

    public Member Member { get; private set; } = null!;

    public SidebarView Sidebar { get; private set; } = new([], false, null);

    /// <summary>The name as typed (after a refused change) or as stored.</summary>
    public string Name { get; private set; } = "";

    public bool NameSaved { get; private set; }

    /// <summary>The email as typed (after a refused change) or as stored.</summary>
    public string Email { get; private set; } = "";

    /// <summary>What the last change said: "email", "password" or "others" (signed out elsewhere).</summary>
    public string? Saved { get; private set; }

    /// <summary>Which form the errors belong to: "name", "email", "password" or "delete".</summary>
    public string? ErrorForm { get; private set; }

    public async Task<IActionResult> OnGetAsync(bool saved, string? done, CancellationToken cancellationToken)
    {
        if (!await LoadAsync(cancellationToken))
        {
            return Redirect(SignInUrl);
        }

        NameSaved = saved;
        Saved = done is "email" or "password" or "others" ? done : null;
        return Page();
    }

    public async Task<IActionResult> OnPostEmailAsync(string? email, string? current, CancellationToken cancellationToken)
    {
        if (!await LoadAsync(cancellationToken))
        {
            return Leave(SignInUrl);
        }

        var result = await accounts.ChangeEmailAsync(Member.Id, email, current, ClientAddress, cancellationToken);
        if (!result.Succeeded)
        {
            ErrorForm = "email";
            Email = email ?? "";
            return Refuse(result, "_EmailForm");
        }

        Member = result.Member!;
        Email = Member.Email;
        await sessions.RefreshAsync(HttpContext, Member);
        return Done("email", "_EmailForm");
    }

    /// <summary>A new password also signs out every other device (the session stamp changes); this one stays signed in.</summary>
    public async Task<IActionResult> OnPostPasswordAsync(string? current, string? password, CancellationToken cancellationToken)
    {
        if (!await LoadAsync(cancellationToken))
        {
            return Leave(SignInUrl);
        }

        var result = await accounts.ChangePasswordAsync(Member.Id, current, password, ClientAddress, cancellationToken);
        if (!result.Succeeded)
        {
            ErrorForm = "password";
            return Refuse(result, "_PasswordForm");
        }

        await sessions.RotateAsync(HttpContext, result.Member!, cancellationToken);
        return Done("password", "_PasswordForm");
    }

    public async Task<IActionResult> OnPostOthersAsync(CancellationToken cancellationToken)
    {
        if (!await LoadAsync(cancellationToken))
        {
            return Leave(SignInUrl);
        }

        await sessions.RotateAsync(HttpContext, Member, cancellationToken);
        return Done("others", "_OtherDevicesForm");
    }

    /// <summary>The form again saying it worked (htmx), or the page (a plain form post redirects, so a reload does not post again).</summary>
    private IActionResult Done(string what, string partialName)
    {
        if (!Request.WantsFragment())
        {
            return Redirect("/account?done=" + what);
        }

        Saved = what;
        return Partial(partialName, this);
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

        if (AccountService.IsDeleteConfirmed(confirm))
        {
            await stop.StopAllRepliesAsync(Member.OwnerId);
        }

        var result = await accounts.DeleteAsync(Member.Id, confirm, cancellationToken);
        if (!result.Succeeded)
        {
            ErrorForm = "delete";
            return Refuse(result, "_DeleteAccountForm");
        }

        sessions.Forget(Member.Id);
        await sessions.SignOutAsync(HttpContext, revoke: false);
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
        Email = member.Email;
        var (list, hasMore) = await chats.ListAsync(member.OwnerId, null, cancellationToken);
        Sidebar = new SidebarView(list, hasMore, null);
        ViewData.SetLiveUrl(null);
        return true;
    }
}
