using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using OpenChat.Web.Accounts;
using OpenChat.Web.Chats;
using OpenChat.Web.Conversations;
using OpenChat.Web.Platform;

namespace OpenChat.Web.Pages.Chat;

/// <summary><c>/chat/list?after=…</c>: the next page of the sidebar's chat list (a fragment, loaded when scrolled into view).</summary>
public sealed class ListModel(ChatService chats) : PageModel
{
    public async Task<IActionResult> OnGetAsync(string? after, string? current, CancellationToken cancellationToken)
    {
        if (!ChatListMarkup.TryParseCursor(after, out var cursor))
        {
            return FragmentResults.Html("<li class=\"form-error\" role=\"alert\">That list position is not valid.</li>", StatusCodes.Status400BadRequest);
        }

        Guid? currentChat = Guid.TryParse(current, out var id) ? id : null;
        var (list, hasMore) = await chats.ListAsync(HttpContext.FindOwnerId(), cursor, cancellationToken);
        Response.Headers.Vary = "HX-Request";
        return FragmentResults.Html(ChatListMarkup.Items(list, currentChat, hasMore));
    }
}
