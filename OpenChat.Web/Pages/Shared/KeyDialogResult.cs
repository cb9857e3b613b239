using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.Mvc.ViewFeatures;
using OpenChat.Web.Chats;
using OpenChat.Web.Telemetry;

namespace OpenChat.Web.Pages;

/// <summary>
/// Answers an htmx request with the key dialog, opened in <c>#dialog-slot</c>. The dialog is the answer the page expects
/// (a refused send or a refused key is explained inside it), so it comes with 200: a 4xx would make the browser and htmx
/// log an error for an ordinary moment of the journey. Full-page posts keep their 4xx.
/// Every opening is captured here, once (<c>openrouter.key_prompt_shown</c>).
/// </summary>
public static class KeyDialogResult
{
    /// <summary>The dialog for a send no key can pay for; saving a key in it then sends the waiting message.</summary>
    public static Task<PartialViewResult> ForAsync(PageModel page, ChatError error)
    {
        var dailyLimit = !ReferenceEquals(error, ChatError.NoKey);
        if (error.IsDailyLimit)
        {
            page.Response.Headers["X-RateLimit-Policy"] = "daily";
        }

        return DialogAsync(page, new KeyDialogView(dailyLimit ? error.Message : null, null, HasKey: false, SendsAfterSave: true), dailyLimit ? "daily_limit" : "missing");
    }

    /// <param name="reason">Why it opened, for analytics: missing, daily_limit or invalid (a key was refused).</param>
    public static async Task<PartialViewResult> DialogAsync(PageModel page, KeyDialogView view, string reason)
    {
        await page.HttpContext.RequestServices.GetRequiredService<ProductAnalytics>().CaptureAsync("openrouter.key_prompt_shown", p => p["reason"] = reason);
        page.Response.Headers["HX-Retarget"] = "#dialog-slot";
        page.Response.Headers["HX-Reswap"] = "innerHTML";
        return new PartialViewResult
        {
            ViewName = "_KeyDialog",
            ViewData = new ViewDataDictionary<KeyDialogView>(page.ViewData, view),
        };
    }
}
