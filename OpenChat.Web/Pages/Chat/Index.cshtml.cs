using Microsoft.AspNetCore.Mvc.RazorPages;

namespace OpenChat.Web.Pages.Chat;

public sealed class IndexModel : PageModel
{
    public void OnGet()
    {
    }
}
