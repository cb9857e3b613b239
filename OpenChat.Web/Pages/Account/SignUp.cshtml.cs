using Microsoft.AspNetCore.Mvc;
using OpenChat.Web.Accounts;
using OpenChat.Web.Platform.RateLimiting;

namespace OpenChat.Web.Pages.Account;

/// <summary><c>/account/sign-up</c>: name, email, password. A guest's data comes along.</summary>
[RateLimited(RateLimitKind.SignUp)]
public sealed class SignUpModel(AccountService accounts, MemberSessions sessions, OpenRouter.GuestKeyHandover guestKeys) : AccountForm
{
    public string? Name { get; private set; }

    public string? Email { get; private set; }

    public bool Remember { get; private set; }

    public string? ReturnUrl { get; private set; }

    public bool IsGuest => User.FindGuestId() is not null;

    public IActionResult OnGet(string? returnUrl)
    {
        ReturnUrl = IsSafeReturnUrl(returnUrl) ? returnUrl : null;
        if (User.IsMember())
        {
            return Redirect(ReturnUrl ?? "/account");
        }

        Remember = true;
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(string? name, string? email, string? password, bool remember, string? returnUrl, CancellationToken cancellationToken)
    {
        Name = name;
        Email = email;
        Remember = remember;
        ReturnUrl = IsSafeReturnUrl(returnUrl) ? returnUrl : null;
        var result = await accounts.SignUpAsync(name, email, password, ClientAddress, cancellationToken);
        if (!result.Succeeded)
        {
            return Refuse(result, "_SignUpForm");
        }

        var guestKey = await guestKeys.FindAsync(User.FindGuestId(), cancellationToken);
        var keyWaiting = await sessions.SignInAsync(HttpContext, result.Member!, remember, cancellationToken, isNewAccount: true, guestKey: guestKey);
        return Leave(AfterSignIn(keyWaiting, returnUrl));
    }
}
