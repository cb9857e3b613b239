using Microsoft.AspNetCore.Mvc;
using OpenChat.Web.Accounts;

namespace OpenChat.Web.Pages.Account;

/// <summary><c>/account/sign-in</c>: email, password, "Keep me signed in". A guest's data comes along.</summary>
public sealed class SignInModel(AccountService accounts, MemberSessions sessions, Telemetry.ProductAnalytics analytics) : AccountForm
{
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

    public async Task<IActionResult> OnPostAsync(string? email, string? password, bool remember, string? returnUrl, CancellationToken cancellationToken)
    {
        Email = email;
        Remember = remember;
        ReturnUrl = IsSafeReturnUrl(returnUrl) ? returnUrl : null;
        var result = await accounts.SignInAsync(email, password, cancellationToken);
        if (!result.Succeeded)
        {
            if (result.FieldErrors.Count == 0)
            {
                await analytics.CaptureAsync("auth.sign_in_failed", p => p["reason"] = result.RetryAfter is null ? "bad_credentials" : "locked");
            }

            return Refuse(result, "_SignInForm");
        }

        await sessions.SignInAsync(HttpContext, result.Member!, remember, cancellationToken);
        return Leave(SafeReturnUrl(returnUrl));
    }
}
