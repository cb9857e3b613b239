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
    ISessionStampRepository stamps,
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
    /// How long a request trusts a cached session stamp: a sign-out on this instance applies at once, on other instances
    /// within this span (a stamp is read from storage at most once per span and member on each instance).
    /// </summary>
    public static readonly TimeSpan StampFor = TimeSpan.FromSeconds(5);

    /// <summary>A key the visitor saved as a guest, waiting for the member to say whether to use it (still encrypted).</summary>
    public const string GuestKeyClaim = "oc_guest_key";

    /// <summary>
    /// Signs the member in. When the request is a guest's, the guest's chats and preferences move to the member first,
    /// and the guest id is retired: the cookie that carried it is replaced. A key the guest saved does not move by itself
    /// (someone could have planted that guest cookie): it waits, encrypted in the new cookie, for the member to confirm.
    /// </summary>
    /// <param name="isNewAccount">True right after sign-up (analytics: <c>auth.sign_up</c> rather than <c>auth.sign_in</c>).</param>
    /// <param name="guestKey">The key the guest saved, as stored (encrypted), read by the caller before the data moves.</param>
    /// <returns>True when a guest key is waiting for the member's answer (<see cref="PendingGuestKey"/>).</returns>
    public async Task<bool> SignInAsync(HttpContext context, Member member, bool remember, CancellationToken cancellationToken, bool isNewAccount = false, string? guestKey = null)
    {
        var guestId = context.User.FindGuestId();
        var guestAnalyticsId = guestId is null ? null : context.User.AnalyticsId(guestId);
        var moved = 0;
        if (guestId is null)
        {
            guestKey = null;
        }
        else
        {
            moved = await members.TransferOwnershipAsync(guestId, member.OwnerId, cancellationToken);
            logger.LogInformation("Moved {Chats} chats from a guest to member {MemberId}", moved, member.Id);
        }

        var stamp = await stamps.FindAsync(member.OwnerId, cancellationToken);
        if (stamp is null)
        {
            stamp = new SessionStamp(member.OwnerId, SessionStamp.NewValue(), clock.GetUtcNow());
            await stamps.SaveAsync(stamp, cancellationToken);
        }

        cache.Set(StampKey(member.OwnerId), stamp.Stamp, StampFor);
        var now = clock.GetUtcNow();
        var principal = WithGuestKey(OwnerIdentity.MemberPrincipal(member, stamp.Stamp), guestKey);
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
            await analytics.CaptureAsync("$create_alias", p => p["alias"] = guestAnalyticsId);
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
        return guestKey is not null;
    }

    /// <summary>The key saved as a guest that waits for this member's answer (encrypted), or null.</summary>
    public static string? PendingGuestKey(System.Security.Claims.ClaimsPrincipal user) =>
        user.IsMember() && user.FindFirst(GuestKeyClaim)?.Value is { Length: > 0 } key ? key : null;

    /// <summary>The member answered "Use the key you saved as a guest?" (the caller saved it, or not): the question goes away.</summary>
    public Task ForgetGuestKeyAsync(HttpContext context, Member member) =>
        ReissueAsync(context, member, context.User.SessionStamp(), keepGuestKey: false);

    /// <summary>
    /// A new session stamp (password change, "Sign out of other devices"): every other cookie of the member stops
    /// working; this request's cookie is re-issued with the new stamp.
    /// </summary>
    public async Task RotateAsync(HttpContext context, Member member, CancellationToken cancellationToken)
    {
        var stamp = await SaveNewStampAsync(member.OwnerId, cancellationToken);
        await ReissueAsync(context, member, stamp, keepGuestKey: true);
        logger.LogInformation("Member {MemberId} revoked their other sessions", member.Id);
    }

    /// <summary>Re-issues the cookie with the member's new display name or email, keeping its persistence and lifetime.</summary>
    public Task RefreshAsync(HttpContext context, Member member) =>
        ReissueAsync(context, member, context.User.SessionStamp(), keepGuestKey: true);

    /// <summary>
    /// Clears the cookie and replaces the member's session stamp, so a copy of the cookie (another device, or one
    /// someone took) no longer works either; the next write makes a fresh guest.
    /// </summary>
    /// <param name="revoke">False when the member was just deleted (there is nothing left to revoke, nor to write a stamp into).</param>
    public async Task SignOutAsync(HttpContext context, bool revoke = true)
    {
        await analytics.CaptureAsync("auth.sign_out");
        if (context.User.FindMemberId() is { } id)
        {
            cache.Remove(CacheKey(id));
        }

        if (revoke && context.User.FindMemberId() is { } member)
        {
            try
            {
                await SaveNewStampAsync(member.ToString("D"), context.RequestAborted);
            }
            catch (Storage.Fallback.StorageUnavailableException)
            {
                // Nowhere to keep the new stamp: this cookie is cleared all the same.
            }
        }

        await context.SignOutAsync(OwnerIdentity.Scheme);
        context.User = new System.Security.Claims.ClaimsPrincipal(new System.Security.Claims.ClaimsIdentity());
        Telemetry.ProductAnalytics.ResetScope(context);
    }

    /// <summary>Forgets a deleted member at once on this instance (other instances within <see cref="LookupFor"/>).</summary>
    public void Forget(Guid memberId) => cache.Remove(CacheKey(memberId));

    private async Task<string> SaveNewStampAsync(string ownerId, CancellationToken cancellationToken)
    {
        var stamp = new SessionStamp(ownerId, SessionStamp.NewValue(), clock.GetUtcNow());
        await stamps.SaveAsync(stamp, cancellationToken);
        cache.Set(StampKey(ownerId), stamp.Stamp, StampFor);
        return stamp.Stamp;
    }

    private async Task ReissueAsync(HttpContext context, Member member, string? stamp, bool keepGuestKey)
    {
        var current = await context.AuthenticateAsync(OwnerIdentity.Scheme);
        var properties = current.Properties ?? new AuthenticationProperties();
        var guestKey = keepGuestKey ? context.User.FindFirst(GuestKeyClaim)?.Value : null;
        var principal = WithGuestKey(OwnerIdentity.MemberPrincipal(member, stamp), guestKey);
        await context.SignInAsync(OwnerIdentity.Scheme, principal, properties);
        context.User = principal;
        cache.Set(CacheKey(member.Id), member, LookupFor);
    }

    private static System.Security.Claims.ClaimsPrincipal WithGuestKey(System.Security.Claims.ClaimsPrincipal principal, string? guestKey)
    {
        if (!string.IsNullOrEmpty(guestKey))
        {
            ((System.Security.Claims.ClaimsIdentity)principal.Identity!).AddClaim(new System.Security.Claims.Claim(GuestKeyClaim, guestKey));
        }

        return principal;
    }

    private async Task<string?> FindStampCachedAsync(string ownerId, CancellationToken cancellationToken)
    {
        if (cache.TryGetValue(StampKey(ownerId), out string? cached) && cached is not null)
        {
            return cached;
        }

        var stamp = (await stamps.FindAsync(ownerId, cancellationToken))?.Stamp;
        if (stamp is not null)
        {
            cache.Set(StampKey(ownerId), stamp, StampFor);
        }

        return stamp;
    }

    private static string StampKey(string ownerId) => $"oc:stamp:{ownerId}";

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
        string? stamp;
        try
        {
            member = await sessions.FindCachedAsync(id, context.HttpContext.RequestAborted);
            stamp = member is null ? null : await sessions.FindStampCachedAsync(member.OwnerId, context.HttpContext.RequestAborted);
        }
        catch (Storage.Fallback.StorageUnavailableException)
        {
            return; // Postgres is down and this member was not seen yet: trust the (encrypted) cookie meanwhile.
        }

        // A stamp that changed since the cookie was issued (sign-out, password change, "Sign out of other devices")
        // revokes it. No stored stamp at all (not readable during an outage) cannot be checked and is let through.
        if (member is null || (stamp is not null && !string.Equals(stamp, context.Principal.SessionStamp(), StringComparison.Ordinal)))
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(OwnerIdentity.Scheme);
            return;
        }

        if (!string.Equals(context.Principal.DisplayName(), member.DisplayName, StringComparison.Ordinal))
        {
            context.ReplacePrincipal(WithGuestKey(OwnerIdentity.MemberPrincipal(member, context.Principal.SessionStamp()), context.Principal.FindFirst(GuestKeyClaim)?.Value));
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
