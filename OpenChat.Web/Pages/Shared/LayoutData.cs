using Microsoft.AspNetCore.Mvc.ViewFeatures;

namespace OpenChat.Web.Pages;

/// <summary>
/// What a page can tell the layout through <c>ViewData</c>: title, description, social image and the
/// colour scheme / accent theme on <c>&lt;html&gt;</c>. Set with the extension methods below (for example
/// <c>ViewData.SetBrandTheme(prefs.BrandTheme)</c>); unknown values fall back to the defaults.
/// </summary>
public static class LayoutData
{
    public const string TitleKey = "Title";
    public const string DescriptionKey = "Description";
    public const string OgImageKey = "OgImage";
    public const string OgTypeKey = "OgType";
    public const string ThemeKey = "Theme";
    public const string BrandThemeKey = "BrandTheme";
    public const string NoIndexKey = "NoIndex";
    public const string LiveUrlKey = "LiveUrl";

    public const string DefaultTitle = "OpenChat — open-source AI chat, fast and private";
    public const string DefaultDescription =
        "OpenChat is an open-source, server-rendered AI chat. Bring your own OpenRouter key, use hundreds of models, and keep your conversations private.";
    public const string DefaultOgImage = "/img/og.png";
    public const string DefaultTheme = "system";
    public const string DefaultBrandTheme = "blue";

    /// <summary>Colour schemes understood by app.css (<c>data-theme</c>).</summary>
    public static readonly IReadOnlyList<string> Themes = ["system", "light", "dark"];

    /// <summary>Accent themes understood by app.css (<c>data-brand-theme</c>).</summary>
    public static readonly IReadOnlyList<string> BrandThemes = ["blue", "red", "orange", "yellow", "green", "indigo", "violet"];

    public static string Title(this ViewDataDictionary viewData) =>
        viewData[TitleKey] as string is { Length: > 0 } title ? title : DefaultTitle;

    public static string Description(this ViewDataDictionary viewData) =>
        viewData[DescriptionKey] as string is { Length: > 0 } description ? description : DefaultDescription;

    public static string OgImage(this ViewDataDictionary viewData) =>
        viewData[OgImageKey] as string is { Length: > 0 } image ? image : DefaultOgImage;

    public static string OgType(this ViewDataDictionary viewData) =>
        viewData[OgTypeKey] as string is { Length: > 0 } type ? type : "website";

    public static string Theme(this ViewDataDictionary viewData) =>
        viewData[ThemeKey] as string is { } theme && Themes.Contains(theme) ? theme : DefaultTheme;

    public static string BrandTheme(this ViewDataDictionary viewData) =>
        viewData[BrandThemeKey] as string is { } brand && BrandThemes.Contains(brand) ? brand : DefaultBrandTheme;

    /// <summary>Configuration key for the public source-code link in the footer.</summary>
    public const string SourceCodeUrlKey = "Site:SourceCodeUrl";

    /// <summary>The public repository of this deployment (<c>Site:SourceCodeUrl</c>); no link is shown when unset.</summary>
    public static string? SourceCodeUrl(IConfiguration configuration) =>
        configuration[SourceCodeUrlKey] is { Length: > 0 } url && url.StartsWith("https://", StringComparison.Ordinal) ? url : null;

    public static bool NoIndex(this ViewDataDictionary viewData) => viewData[NoIndexKey] is true;

    /// <summary>The tab's live stream (<c>sse-connect</c>), set by chat pages once the visitor owns something.</summary>
    public static string? LiveUrl(this ViewDataDictionary viewData) => viewData[LiveUrlKey] as string;

    /// <param name="streamingReplyId">The reply the page shows as streaming, if any: when the live stream connects after it
    /// ended, the stream sends its final state instead of a snapshot.</param>
    public static void SetLiveUrl(this ViewDataDictionary viewData, Guid? chatId, Guid? streamingReplyId = null)
    {
        var tab = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(8));
        var reply = streamingReplyId is { } replyId ? $"&reply={replyId:N}" : string.Empty;
        viewData[LiveUrlKey] = chatId is { } id ? $"/chat/live?chat={id:D}&tab={tab}{reply}" : $"/chat/live?tab={tab}";
    }

    public static void SetTheme(this ViewDataDictionary viewData, string? theme) => viewData[ThemeKey] = theme;

    public static void SetBrandTheme(this ViewDataDictionary viewData, string? brandTheme) => viewData[BrandThemeKey] = brandTheme;
}
