using Microsoft.AspNetCore.Mvc.RazorPages;

namespace OpenChat.Web.Pages;

public sealed class IndexModel : PageModel
{
    public void OnGet()
    {
    }
}
