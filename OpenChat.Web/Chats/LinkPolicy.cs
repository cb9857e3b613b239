namespace OpenChat.Web.Chats;

/// <summary>
/// Where a link in model output may point: an absolute <c>http</c> or <c>https</c> address with a host, or <c>mailto:</c>.
/// Anything else — a path into the app (<c>/account?x=1:2</c>), a protocol-relative <c>//host</c>, a fragment, another
/// scheme — is shown as text, so a reply can never send a click into the app itself.
/// </summary>
public static class LinkPolicy
{
    public static bool Allows(string? url)
    {
        var value = url?.Trim();
        if (string.IsNullOrEmpty(value))
        {
            return false;
        }

        if (value.StartsWith("mailto:", StringComparison.OrdinalIgnoreCase))
        {
            return value.Length > "mailto:".Length;
        }

        return (value.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || value.StartsWith("https://", StringComparison.OrdinalIgnoreCase)) &&
               !value.Contains('\\', StringComparison.Ordinal) &&
               Uri.TryCreate(value, UriKind.Absolute, out var uri) &&
               (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps) &&
               uri.Host.Length > 0;
    }
}
