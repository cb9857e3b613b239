namespace OpenChat.Web.Platform;

public static class HtmxRequestExtensions
{
    /// <summary>True for requests htmx made (a fragment is wanted), false for full page loads and plain form posts.</summary>
    public static bool IsHtmx(this HttpRequest request) => request.Headers["HX-Request"] == "true";

    /// <summary>A boosted navigation wants the whole page (htmx swaps the body), like a full load.</summary>
    public static bool IsBoosted(this HttpRequest request) => request.Headers["HX-Boosted"] == "true";

    /// <summary>An htmx request for a fragment (not a boosted navigation, not a history restore).</summary>
    public static bool WantsFragment(this HttpRequest request) =>
        request.IsHtmx() && !request.IsBoosted() && request.Headers["HX-History-Restore-Request"] != "true";

    /// <summary>Whether the htmx request came from the page of that chat (<c>HX-Current-URL</c> ends with <c>/chat/{id}</c>).</summary>
    public static bool IsFromChatPage(this HttpRequest request, Guid chatId) =>
        request.Headers["HX-Current-URL"].ToString().EndsWith($"/chat/{chatId:D}", StringComparison.OrdinalIgnoreCase);
}
