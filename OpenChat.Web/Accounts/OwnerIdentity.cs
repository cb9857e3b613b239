using System.Security.Claims;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Authentication;

namespace OpenChat.Web.Accounts;

/// <summary>
/// Who owns what a request reads and writes: a guest (<c>guest_</c> + 32 hex) issued at the first write, or
/// a member (their id, "D" format). The id lives only inside the encrypted, HttpOnly auth cookie; no header,
/// query parameter or form field can set it.
/// </summary>
public static partial class OwnerIdentity
{
    public const string Scheme = "OpenChat";
    public const string CookieName = "oc_id";
    public const string KindClaim = "oc_kind";
    public const string GuestKind = "guest";

    /// <summary>Carries a fresh antiforgery token to a page whose visitor just became a guest.</summary>
    public const string RefreshedTokenHeader = "X-OpenChat-Token";
    public const string MemberKind = "member";

    /// <summary>A guest's analytics distinct id (their earlier <c>oc_aid</c>): names their events, never their data.</summary>
    public const string AnalyticsIdClaim = "oc_tid";

    /// <summary>The member's session stamp when the cookie was issued (see <see cref="SessionStamp"/>).</summary>
    public const string StampClaim = "oc_stamp";

    /// <summary>The member's display name (members only; guests have none).</summary>
    public const string DisplayNameClaim = "oc_name";

    public static string NewGuestId() => "guest_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    public static bool IsGuestId(string value) => GuestIdPattern().IsMatch(value);

    /// <summary>The owner of this request, or null when nobody has written anything yet.</summary>
    public static string? FindOwnerId(this HttpContext context)
    {
        if (context.User.Identity?.IsAuthenticated != true)
        {
            return null;
        }

        var id = context.User.FindFirstValue(ClaimTypes.NameIdentifier);
        return string.IsNullOrEmpty(id) ? null : id;
    }

    /// <summary>The owner of this request, issuing a guest identity when there is none yet (only writes call this).</summary>
    public static async Task<string> EnsureOwnerIdAsync(this HttpContext context)
    {
        var existing = context.FindOwnerId();
        if (existing is not null)
        {
            return existing;
        }

        // Each new guest counts against the address (a fresh guest would otherwise mean fresh free replies).
        context.RequestServices.GetService<INewGuestGate>()?.Enter(context);

        // Always a fresh random id: the analytics id (oc_aid) is never an identity, so a copied analytics cookie cannot
        // make two browsers one guest. Analytics keep using it as the guest's distinct id (the landing -> chat funnel
        // joins up without a merge); it only ever names events.
        var guestId = NewGuestId();
        var anonymous = context.RequestServices.GetService<Telemetry.AnonymousVisitorId>();
        var visitorId = anonymous?.Read(context);
        if (anonymous is not null)
        {
            Telemetry.AnonymousVisitorId.Retire(context);
        }

        var principal = new ClaimsPrincipal(new ClaimsIdentity(
            [
                new Claim(ClaimTypes.NameIdentifier, guestId),
                new Claim(KindClaim, GuestKind),
                .. visitorId is null ? Array.Empty<Claim>() : [new Claim(AnalyticsIdClaim, visitorId)],
            ],
            Scheme));
        await context.SignInAsync(Scheme, principal, new AuthenticationProperties { IsPersistent = true });
        context.User = principal;
        Telemetry.ProductAnalytics.ResetScope(context);

        // Antiforgery tokens are bound to the identity: the page that made this request still holds the anonymous
        // visitor's token. An htmx request stays on that page, so hand it a fresh token (openchat.js swaps it in).
        if (context.Request.Headers["HX-Request"] == "true" &&
            context.RequestServices.GetService<Microsoft.AspNetCore.Antiforgery.IAntiforgery>() is { } antiforgery)
        {
            context.Response.Headers[RefreshedTokenHeader] = antiforgery.GetAndStoreTokens(context).RequestToken;
        }

        return guestId;
    }

    /// <summary>True when the request is signed in as a member (not a guest, not anonymous).</summary>
    public static bool IsMember(this ClaimsPrincipal user) =>
        user.Identity?.IsAuthenticated == true && user.FindFirstValue(KindClaim) == MemberKind;

    /// <summary>The distinct id analytics use for this owner: a guest's earlier analytics id when they had one, else the owner id.</summary>
    public static string AnalyticsId(this ClaimsPrincipal user, string ownerId) =>
        user.FindFirstValue(AnalyticsIdClaim) is { Length: > 0 } id && user.FindGuestId() is not null ? id : ownerId;

    /// <summary>The guest id of this request, or null for members and anonymous visitors.</summary>
    public static string? FindGuestId(this ClaimsPrincipal user) =>
        user.Identity?.IsAuthenticated == true && user.FindFirstValue(KindClaim) == GuestKind
            && user.FindFirstValue(ClaimTypes.NameIdentifier) is { } id && IsGuestId(id)
            ? id
            : null;

    /// <summary>The signed-in member's id, or null.</summary>
    public static Guid? FindMemberId(this ClaimsPrincipal user) =>
        user.IsMember() && Guid.TryParseExact(user.FindFirstValue(ClaimTypes.NameIdentifier), "D", out var id) ? id : null;

    public static string? DisplayName(this ClaimsPrincipal user) => user.IsMember() ? user.FindFirstValue(DisplayNameClaim) : null;

    public static ClaimsPrincipal MemberPrincipal(Member member, string? stamp) => new(new ClaimsIdentity(
        [
            new Claim(ClaimTypes.NameIdentifier, member.OwnerId),
            new Claim(KindClaim, MemberKind),
            new Claim(DisplayNameClaim, member.DisplayName),
            .. stamp is null ? Array.Empty<Claim>() : [new Claim(StampClaim, stamp)],
        ],
        Scheme));

    public static string? SessionStamp(this ClaimsPrincipal user) => user.FindFirstValue(StampClaim);

    [GeneratedRegex("^guest_[0-9a-f]{32}$")]
    private static partial Regex GuestIdPattern();
}
