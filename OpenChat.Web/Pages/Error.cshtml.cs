using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using OpenChat.Web.Web;
using OpenChat.Web.Web.RateLimiting;

namespace OpenChat.Web.Pages;

[IgnoreAntiforgeryToken]
[ResponseCache(Duration = 0, Location = ResponseCacheLocation.None, NoStore = true)]
public sealed class ErrorModel : PageModel
{
    public int Code { get; private set; } = 500;

    public string Heading => Code switch
    {
        404 => "We couldn't find that page",
        413 => "That was too large",
        429 => "Slow down a little",
        _ => "Something went wrong",
    };

    public string Explanation => HttpContext.FindStatusMessage() ?? Code switch
    {
        404 => "The link may be old, or the page may belong to someone else.",
        413 => "What you sent is larger than OpenChat accepts here.",
        429 => "Too many requests in a short time. Wait a moment, then try again.",
        _ => "The error has been logged. Try again in a moment.",
    };

    public void OnGet(int? code)
    {
        Code = code is >= 400 and < 600 ? code.Value : 500;
        Response.StatusCode = Code;
        // Re-executed for a refused request: keep what the refusal said about when to come back.
        if (RateLimitRejection.Find(HttpContext) is { } rejection)
        {
            rejection.Apply(HttpContext);
        }
    }

    /// <summary>A refused form post is re-executed here as a POST.</summary>
    public void OnPost(int? code) => OnGet(code);
}
