using Microsoft.AspNetCore.Mvc;
using OpenChat.Web.Accounts;

namespace OpenChat.Web.Pages.Account;

/// <summary>
/// <c>/account/sign-out</c>: POST clears a member's cookie and goes to the (now empty) chat; the next write
/// makes a fresh guest. GET shows a one-button confirmation (a link can never sign anyone out). Guests have
/// nothing to sign out of: their cookie is all that ties them to their chats, so it is kept.
/// </summary>
public sealed class SignOutModel(MemberSessions sessions) : AccountForm
{
    public IActionResult OnGet() => User.IsMember() ? Page() : Redirect("/chat");

    public async Task<IActionResult> OnPostAsync()
    {
        if (User.IsMember())
        {
            await sessions.SignOutAsync(HttpContext);
        }

        return Leave("/chat");
    }
}
