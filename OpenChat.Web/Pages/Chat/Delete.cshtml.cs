using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using ChatRecord = OpenChat.Web.Chats.Chat;
using OpenChat.Web.Accounts;
using OpenChat.Web.Chats;
using OpenChat.Web.Conversations;
using OpenChat.Web.Platform;

namespace OpenChat.Web.Pages.Chat;

/// <summary>
/// <c>/chat/{id}/delete</c>: a confirmation (a modal <c>&lt;dialog&gt;</c> with JavaScript, a page without), then the delete.
/// </summary>
public sealed class DeleteModel(ChatService chats) : PageModel
{
    public ChatRecord Chat { get; private set; } = null!;

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken cancellationToken)
    {
        var chat = await chats.FindAsync(HttpContext.FindOwnerId(), id, cancellationToken);
        if (chat is null)
        {
            return Request.WantsFragment() ? FragmentResults.Refusal(Response, ChatError.NotFound) : NotFound();
        }

        Chat = chat;
        return Request.WantsFragment() ? Partial("_DeleteDialog", this) : Page();
    }

    public async Task<IActionResult> OnPostAsync(Guid id, CancellationToken cancellationToken)
    {
        var ownerId = HttpContext.FindOwnerId();
        if (ownerId is null || !await chats.DeleteAsync(ownerId, id, cancellationToken))
        {
            return Request.IsHtmx() ? FragmentResults.Refusal(Response, ChatError.NotFound) : NotFound();
        }

        if (!Request.IsHtmx())
        {
            return Redirect("/chat");
        }

        var viewingIt = Request.IsFromChatPage(id);
        if (viewingIt)
        {
            Response.Headers["HX-Location"] = "/chat";
            return new NoContentResult();
        }

        // Close the dialog and take the item out of the list.
        return FragmentResults.Html($"<div id=\"dialog-slot\" hx-swap-oob=\"true\"></div><li id=\"{ChatListMarkup.ItemId(id)}\" hx-swap-oob=\"delete\"></li>");
    }
}
