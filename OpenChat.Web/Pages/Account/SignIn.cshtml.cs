using Microsoft.AspNetCore.Mvc;
using OpenChat.Web.Accounts;
using OpenChat.Web.Platform.RateLimiting;

namespace OpenChat.Web.Pages.Account;

/// <summary><c>/account/sign-in</c>: email, password, "Keep me signed in". A guest's data comes along.</summary>
[RateLimited(RateLimitKind.SignIn)]
public sealed class SignInModel(AccountService accounts, MemberSessions sessions, OpenRouter.GuestKeyHandover guestKeys, Telemetry.ProductAnalytics analytics) : AccountForm
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
        var result = await accounts.SignInAsync(email, password, ClientAddress, cancellationToken);
        if (!result.Succeeded)
        {
            if (result.FieldErrors.Count == 0)
            {
                await analytics.CaptureAsync("auth.sign_in_failed", p => p["reason"] = result.RetryAfter is null ? "bad_credentials" : "locked");
                if (result.RetryAfter is { } retryAfter)
                {
                    // The wait after repeated failures answers 429: it is a rate limit too.
                    await analytics.CaptureAsync("chat.rate_limited", (p, scope, http) =>
                    {
                        p["policy"] = "auth";
                        p["limit"] = SignInThrottle.FreeFailures;
                        p["window_ms"] = (long)SignInThrottle.ForgetAfter.TotalMilliseconds;
                        p["retry_after_s"] = (long)Math.Ceiling(retryAfter.TotalSeconds);
                        p["ip_hash"] = scope.IpHash;
                        p["origin"] = $"{http.Request.Scheme}://{http.Request.Host}";
                        p["rate_limit_bucket"] = $"{SignInThrottle.FreeFailures}/{(long)SignInThrottle.ForgetAfter.TotalMilliseconds}";
                    });
                }
            }

            return Refuse(result, "_SignInForm");
        }

        var guestKey = await guestKeys.FindAsync(User.FindGuestId(), cancellationToken);
        var keyWaiting = await sessions.SignInAsync(HttpContext, result.Member!, remember, cancellationToken, guestKey: guestKey);
        return Leave(AfterSignIn(keyWaiting, returnUrl));
    }
}
