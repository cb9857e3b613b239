using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace OpenChat.Web.Pages;

[IgnoreAntiforgeryToken]
[ResponseCache(Duration = 0, Location = ResponseCacheLocation.None, NoStore = true)]
public sealed class ErrorModel : PageModel
{
    public int Code { get; private set; } = 500;

    public string Heading => Code switch
    {
        404 => "We couldn't find that page",
        _ => "Something went wrong",
    };

    public string Explanation => Code switch
    {
        404 => "The link may be old, or the page may belong to someone else.",
        _ => "The error has been logged. Try again in a moment.",
    };

    public void OnGet(int? code)
    {
        Code = code is >= 400 and < 600 ? code.Value : 500;
        Response.StatusCode = Code;
    }
}
