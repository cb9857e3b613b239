namespace OpenChat.Web.Accounts;

/// <summary>
/// A small cookie (<c>oc_theme</c> = <c>dark.violet</c>) mirroring the owner's colour scheme and accent, so the very
/// first HTML of any page already has the right <c>data-theme</c> / <c>data-brand-theme</c> (no flash, no storage read).
/// </summary>
public static class ThemeCookie
{
    public const string Name = "oc_theme";

    public static (string UiTheme, string BrandTheme) Read(HttpRequest request)
    {
        var value = request.Cookies[Name];
        var dot = value?.IndexOf('.', StringComparison.Ordinal) ?? -1;
        if (value is null || dot <= 0)
        {
            return ("system", "blue");
        }

        var theme = value[..dot];
        var brand = value[(dot + 1)..];
        return (Preferences.UiThemes.Contains(theme) ? theme : "system", Preferences.BrandThemes.Contains(brand) ? brand : "blue");
    }

    public static void Write(HttpResponse response, Preferences preferences) =>
        response.Cookies.Append(Name, $"{preferences.UiTheme}.{preferences.BrandTheme}", new CookieOptions
        {
            HttpOnly = true,
            IsEssential = true,
            SameSite = SameSiteMode.Lax,
            Secure = response.HttpContext.Request.IsHttps,
            MaxAge = TimeSpan.FromDays(365),
            Path = "/",
        });
}
