using Microsoft.AspNetCore.DataProtection;
using OpenChat.Web.Accounts;

namespace OpenChat.Web.Telemetry;

/// <summary>
/// The distinct id of a visitor who owns nothing yet: a random guest-shaped id in a first-party HttpOnly cookie
/// (<c>oc_aid</c>), encrypted so nobody can forge one. It is never an identity: when the visitor becomes a guest they get
/// a fresh guest id (a copied cookie must not make two browsers one guest), and this id stays only as the guest's
/// analytics distinct id, so the landing → chat funnel joins up without a merge. Only set when analytics may capture.
/// </summary>
public sealed class AnonymousVisitorId(IDataProtectionProvider protection)
{
    public const string CookieName = "oc_aid";

    private readonly IDataProtector _protector = protection.CreateProtector("OpenChat.AnonymousVisitorId.v1");

    /// <summary>The visitor's id from the cookie, if it is there and genuine.</summary>
    public string? Read(HttpContext context)
    {
        var value = context.Request.Cookies[CookieName];
        if (string.IsNullOrEmpty(value))
        {
            return context.Items[CookieName] as string;
        }

        try
        {
            var id = _protector.Unprotect(value);
            return OwnerIdentity.IsGuestId(id) ? id : null;
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            return null;
        }
    }

    public string ReadOrCreate(HttpContext context)
    {
        var existing = Read(context);
        if (existing is not null)
        {
            return existing;
        }

        var id = OwnerIdentity.NewGuestId();
        context.Items[CookieName] = id;
        context.Response.Cookies.Append(CookieName, _protector.Protect(id), new CookieOptions
        {
            HttpOnly = true,
            IsEssential = false,
            SameSite = SameSiteMode.Lax,
            Secure = context.Request.IsHttps,
            MaxAge = TimeSpan.FromDays(365),
            Path = "/",
        });
        return id;
    }

    /// <summary>The visitor is a guest now (their cookie carries this id for analytics): this cookie has done its job.</summary>
    public static void Retire(HttpContext context) => context.Response.Cookies.Delete(CookieName);
}
