using Microsoft.AspNetCore.Mvc;
using OpenChat.Web.Chats;

namespace OpenChat.Web.Platform;

/// <summary>Small HTML answers for htmx: a fragment, or a refusal shown where the person will see it.</summary>
public static class FragmentResults
{
    /// <summary>Raw HTML produced by the app's own markup builders (already encoded where needed).</summary>
    public static ContentResult Html(string html, int statusCode = StatusCodes.Status200OK) => new()
    {
        Content = html,
        ContentType = "text/html; charset=utf-8",
        StatusCode = statusCode,
    };

    /// <summary>A danger toast with a dismiss button (the message is encoded here).</summary>
    public static string DangerToast(string message, string? attributes = null) =>
        $"<div class=\"toast toast-danger\" role=\"alert\"{attributes}><p class=\"toast-text\">{Chats.Html.Encode(message)}</p>" +
        "<button type=\"button\" class=\"btn btn-ghost btn-icon btn-sm toast-close\" data-dismiss aria-label=\"Dismiss\">" +
        "<svg aria-hidden=\"true\" viewBox=\"0 0 24 24\" class=\"icon\"><path d=\"M6 6l12 12M18 6L6 18\" /></svg></button></div>";

    /// <summary>
    /// A refusal as an htmx fragment: the message replaces the content of <paramref name="target"/>
    /// (<c>HX-Retarget</c>), or appears as a toast when there is no natural place for it.
    /// </summary>
    public static ContentResult Refusal(HttpResponse response, ChatError error, string? target = null)
    {
        if (error.RateLimit is { } rateLimit)
        {
            // A 429 is a toast whatever made the request, with Retry-After and the policy.
            rateLimit.ApplyToast(response.HttpContext);
            return Html(rateLimit.ToastHtml, error.StatusCode);
        }

        response.Headers["HX-Retarget"] = target ?? "#toasts";
        response.Headers["HX-Reswap"] = target is null ? "beforeend" : "innerHTML";
        var markup = target is null
            ? $"<div class=\"toast toast-danger\" role=\"alert\">{Chats.Html.Encode(error.Message)}</div>"
            : $"<p class=\"form-error\" role=\"alert\">{Chats.Html.Encode(error.Message)}</p>";
        return Html(markup, error.StatusCode);
    }
}
