using Microsoft.AspNetCore.Mvc;
using OpenChat.Web.Accounts;
using OpenChat.Web.Platform.RateLimiting;

namespace OpenChat.Web.Pages.Account;

/// <summary><c>/account/sign-in</c>: email, password, "Keep me signed in". A guest's data comes along.</summary>
[RateLimited(RateLimitKind.SignIn)]
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
                if (result.RetryAfter is { } retryAfter)
                {
                    // The lockout answers 429: it is a rate limit too.
                    await analytics.CaptureAsync("chat.rate_limited", (p, scope, http) =>
                    {
                        p["policy"] = "auth";
                        p["limit"] = SignInThrottle.MaxFailures;
                        p["window_ms"] = (long)SignInThrottle.Window.TotalMilliseconds;
                        p["retry_after_s"] = (long)Math.Ceiling(retryAfter.TotalSeconds);
                        p["ip_hash"] = scope.IpHash;
                        p["origin"] = $"{http.Request.Scheme}://{http.Request.Host}";
                        p["rate_limit_bucket"] = $"{SignInThrottle.MaxFailures}/{(long)SignInThrottle.Window.TotalMilliseconds}";
                    });
                }
            }

            return Refuse(result, "_SignInForm");
        }

        await sessions.SignInAsync(HttpContext, result.Member!, remember, cancellationToken);
        return Leave(SafeReturnUrl(returnUrl));
    }
}
