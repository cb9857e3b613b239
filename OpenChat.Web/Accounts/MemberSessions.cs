using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.Caching.Memory;

namespace OpenChat.Web.Accounts;

/// <summary>
/// The cookie side of membership: signing a member in (moving a guest's data to them first), refreshing their
/// name, signing out, and checking on each request that a member cookie still names a member.
/// </summary>
public sealed class MemberSessions(
    IMemberRepository members,
    IPreferenceRepository preferences,
    IMemoryCache cache,
    TimeProvider clock,
    Telemetry.ProductAnalytics analytics,
    ILogger<MemberSessions> logger)
{
    /// <summary>"Keep me signed in": a persistent cookie that slides over this span.</summary>
    public static readonly TimeSpan RememberFor = TimeSpan.FromDays(30);

    /// <summary>Otherwise a session cookie (gone when the browser closes) whose ticket also expires after this idle span.</summary>
    public static readonly TimeSpan SessionFor = TimeSpan.FromHours(12);

    /// <summary>How long a request trusts a cached member lookup (deletes and renames on this instance apply at once).</summary>
    public static readonly TimeSpan LookupFor = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Signs the member in. When the request is a guest's, the guest's chats, key and preferences move to the
    /// member first, and the guest id is retired: the cookie that carried it is replaced.
    /// </summary>
    /// <param name="isNewAccount">True right after sign-up (analytics: <c>auth.sign_up</c> rather than <c>auth.sign_in</c>).</param>
    public async Task SignInAsync(HttpContext context, Member member, bool remember, CancellationToken cancellationToken, bool isNewAccount = false)
    {
        var guestId = context.User.FindGuestId();
        var moved = 0;
        if (guestId is not null)
        {
            moved = await members.TransferOwnershipAsync(guestId, member.OwnerId, cancellationToken);
            logger.LogInformation("Moved {Chats} chats from a guest to member {MemberId}", moved, member.Id);
        }

        var now = clock.GetUtcNow();
        var principal = OwnerIdentity.MemberPrincipal(member);
        await context.SignInAsync(OwnerIdentity.Scheme, principal, new AuthenticationProperties
        {
            IsPersistent = remember,
            IssuedUtc = now,
            ExpiresUtc = now + (remember ? RememberFor : SessionFor),
            AllowRefresh = true,
        });
        context.User = principal;
        cache.Set(CacheKey(member.Id), member, LookupFor);

        // The member's own theme (or the one that just moved over from the guest) is right from the next page on.
        if (await preferences.FindAsync(member.OwnerId, cancellationToken) is { } saved)
        {
            ThemeCookie.Write(context.Response, saved);
        }

        Telemetry.ProductAnalytics.ResetScope(context);
        if (guestId is not null)
        {
            // Links the guest's events to the member (the original never did).
            await analytics.CaptureAsync("$create_alias", p => p["alias"] = guestId);
        }

        await analytics.CaptureAsync(isNewAccount ? "auth.sign_up" : "auth.sign_in", p =>
        {
            p["email_domain"] = member.Email[(member.Email.LastIndexOf('@') + 1)..].ToLowerInvariant();
            p["method"] = "email_password";
            if (!isNewAccount)
            {
                p["remember_me"] = remember;
            }

            p["merged_guest_chats"] = moved;
        });
    }

    /// <summary>Re-issues the cookie with the member's new display name, keeping its persistence and lifetime.</summary>
    public async Task RefreshAsync(HttpContext context, Member member)
    {
        var current = await context.AuthenticateAsync(OwnerIdentity.Scheme);
        var properties = current.Properties ?? new AuthenticationProperties();
        var principal = OwnerIdentity.MemberPrincipal(member);
        await context.SignInAsync(OwnerIdentity.Scheme, principal, properties);
        context.User = principal;
        cache.Set(CacheKey(member.Id), member, LookupFor);
    }

    /// <summary>Clears the cookie; the next write makes a fresh guest.</summary>
    public async Task SignOutAsync(HttpContext context)
    {
        await analytics.CaptureAsync("auth.sign_out");
        if (context.User.FindMemberId() is { } id)
        {
            cache.Remove(CacheKey(id));
        }

        await context.SignOutAsync(OwnerIdentity.Scheme);
        context.User = new System.Security.Claims.ClaimsPrincipal(new System.Security.Claims.ClaimsIdentity());
        Telemetry.ProductAnalytics.ResetScope(context);
    }

    /// <summary>Forgets a deleted member at once on this instance (other instances within <see cref="LookupFor"/>).</summary>
    public void Forget(Guid memberId) => cache.Remove(CacheKey(memberId));

    /// <summary>
    /// Cookie validation: a member cookie whose member is gone (deleted elsewhere) is rejected and cleared; one
    /// whose display name changed elsewhere is renewed with the current name. Guest cookies pass unchanged.
    /// </summary>
    public static async Task ValidatePrincipalAsync(CookieValidatePrincipalContext context)
    {
        if (context.Principal?.FindMemberId() is not { } id)
        {
            return;
        }

        var sessions = context.HttpContext.RequestServices.GetRequiredService<MemberSessions>();
        Member? member;
        try
        {
            member = await sessions.FindCachedAsync(id, context.HttpContext.RequestAborted);
        }
        catch (Storage.Fallback.StorageUnavailableException)
        {
            return; // Postgres is down and this member was not seen yet: trust the (encrypted) cookie meanwhile.
        }

        if (member is null)
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(OwnerIdentity.Scheme);
            return;
        }

        if (!string.Equals(context.Principal.DisplayName(), member.DisplayName, StringComparison.Ordinal))
        {
            context.ReplacePrincipal(OwnerIdentity.MemberPrincipal(member));
            context.ShouldRenew = true;
        }
    }

    private async Task<Member?> FindCachedAsync(Guid id, CancellationToken cancellationToken)
    {
        if (cache.TryGetValue(CacheKey(id), out Member? cached) && cached is not null)
        {
            return cached;
        }

        var member = await members.FindAsync(id, cancellationToken);
        if (member is not null)
        {
            cache.Set(CacheKey(id), member, LookupFor);
        }

        return member;
    }

    private static string CacheKey(Guid id) => $"oc:member:{id:D}";
}
