using Microsoft.AspNetCore.Mvc.RazorPages;

namespace OpenChat.Web.Pages;

public sealed class PrivacyModel : PageModel
{
    public void OnGet()
    {
    }
}
