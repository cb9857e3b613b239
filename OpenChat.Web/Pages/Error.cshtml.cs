using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using OpenChat.Web.Platform;
using OpenChat.Web.Platform.RateLimiting;

namespace OpenChat.Web.Pages;

[IgnoreAntiforgeryToken]
[ResponseCache(Duration = 0, Location = ResponseCacheLocation.None, NoStore = true)]
public sealed class ErrorModel : PageModel
{
    public int Code { get; private set; } = 500;

    public string Heading => Code switch
    {
        404 => "We couldn't find that page",
        400 => "That request could not be accepted",
        413 => "That was too large",
        429 => "Slow down a little",
        _ => "Something went wrong",
    };

    public string Explanation => HttpContext.FindStatusMessage() ?? Code switch
    {
        404 => "The link may be old, or the page may belong to someone else.",
        400 => "The page you came from may be out of date. Go back, reload it and try again.",
        413 => "What you sent is larger than OpenChat accepts here.",
        429 => "Too many requests in a short time. Wait a moment, then try again.",
        _ => "The error has been logged. Try again in a moment.",
    };

    // Re-executed for an error of any method: every verb renders the same page.
    public void OnGet() => Show();

    public void OnPost() => Show();

    public void OnPut() => Show();

    public void OnPatch() => Show();

    public void OnDelete() => Show();

    /// <summary>
    /// The status comes from the request being answered (a re-executed response keeps it), never from the query or a form
    /// field, which the failed request may have filled with anything. Visited directly, there is no such page.
    /// </summary>
    private void Show()
    {
        var reExecuted = HttpContext.Features.Get<IStatusCodeReExecuteFeature>() is not null;
        var failed = HttpContext.Features.Get<IExceptionHandlerFeature>() is not null;
        Code = failed ? 500 : reExecuted && Response.StatusCode is >= 400 and < 600 ? Response.StatusCode : 404;
        Response.StatusCode = Code;
        // Re-executed for a refused request: keep what the refusal said about when to come back.
        if (RateLimitRejection.Find(HttpContext) is { } rejection)
        {
            rejection.Apply(HttpContext);
        }
    }
}
