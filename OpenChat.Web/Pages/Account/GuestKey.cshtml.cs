using Microsoft.AspNetCore.Mvc;
using OpenChat.Web.Accounts;

namespace OpenChat.Web.Pages.Account;

/// <summary>
/// <c>/account/guest-key</c>: right after signing in, when this browser had saved an OpenRouter key as a guest, the
/// member chooses whether their account uses it. Nothing moves without that choice (a guest cookie can be planted).
/// </summary>
public sealed class GuestKeyModel(MemberSessions sessions, IMemberRepository members, OpenRouter.KeyVault vault, OpenRouter.GuestKeyHandover handover) : AccountForm
{
    public string ReturnUrl { get; private set; } = "/chat";

    /// <summary>The member already has a key of their own: using the guest's replaces it.</summary>
    public bool HasOwnKey { get; private set; }

    public async Task<IActionResult> OnGetAsync(string? returnUrl, CancellationToken cancellationToken)
    {
        ReturnUrl = SafeReturnUrl(returnUrl);
        if (!User.IsMember())
        {
            return Redirect(IndexModel.SignInUrl);
        }

        if (MemberSessions.PendingGuestKey(User) is null)
        {
            return Redirect(ReturnUrl);
        }

        HasOwnKey = await vault.SavedAtAsync(HttpContext.FindOwnerId(), cancellationToken) is not null;
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(string? choice, string? returnUrl, CancellationToken cancellationToken)
    {
        if (User.FindMemberId() is not { } id || await members.FindAsync(id, cancellationToken) is not { } member)
        {
            return Leave(IndexModel.SignInUrl);
        }

        if (choice == "use" && MemberSessions.PendingGuestKey(User) is { } key)
        {
            await handover.UseAsync(member.OwnerId, key, cancellationToken);
        }

        await sessions.ForgetGuestKeyAsync(HttpContext, member);
        return Leave(SafeReturnUrl(returnUrl));
    }
}
