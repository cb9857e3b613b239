namespace OpenChat.Web.Storage.Fallback;

/// <summary>The app shell's notice while Postgres is down. Always present (empty and hidden otherwise) so a live update can replace it.</summary>
public static class StorageBanner
{
    public const string Text = "Database unavailable — your chats are saved on this server and will sync back.";

    public static string Markup(bool open, bool outOfBand = false)
    {
        var oob = outOfBand ? " hx-swap-oob=\"true\"" : string.Empty;
        return open
            ? $"<div id=\"storage-banner\" class=\"storage-banner\" role=\"status\"{oob}><svg aria-hidden=\"true\" viewBox=\"0 0 24 24\" class=\"icon\"><path d=\"M12 9v4M12 17h.01M10.3 3.9 1.8 18a2 2 0 0 0 1.7 3h17a2 2 0 0 0 1.7-3L13.7 3.9a2 2 0 0 0-3.4 0Z\" /></svg><span>{Text}</span></div>"
            : $"<div id=\"storage-banner\" class=\"storage-banner\" role=\"status\" hidden{oob}></div>";
    }
}
