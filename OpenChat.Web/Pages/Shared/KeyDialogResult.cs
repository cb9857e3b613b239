using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.Mvc.ViewFeatures;
using OpenChat.Web.Chats;

namespace OpenChat.Web.Pages;

/// <summary>Answers an htmx send that no key can pay for with the key dialog, opened in <c>#dialog-slot</c>.</summary>
public static class KeyDialogResult
{
    public static PartialViewResult For(PageModel page, ChatError error)
    {
        if (error.IsDailyLimit)
        {
            page.Response.Headers["X-RateLimit-Policy"] = "daily";
        }

        return Dialog(page, new KeyDialogView(ReferenceEquals(error, ChatError.NoKey) ? null : error.Message, null, HasKey: false), error.StatusCode);
    }

    public static PartialViewResult Dialog(PageModel page, KeyDialogView view, int statusCode = StatusCodes.Status200OK)
    {
        page.Response.Headers["HX-Retarget"] = "#dialog-slot";
        page.Response.Headers["HX-Reswap"] = "innerHTML";
        page.Response.StatusCode = statusCode;
        return new PartialViewResult
        {
            ViewName = "_KeyDialog",
            ViewData = new ViewDataDictionary<KeyDialogView>(page.ViewData, view),
        };
    }
}
