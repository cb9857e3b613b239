using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using ChatRecord = OpenChat.Web.Chats.Chat;
using OpenChat.Web.Accounts;
using OpenChat.Web.Chats;
using OpenChat.Web.Conversations;
using OpenChat.Web.Platform;

namespace OpenChat.Web.Pages.Chat;

/// <summary>
/// <c>/chat/{id}/rename</c>: inline rename in the sidebar (htmx swaps the list item for a small form), or a
/// page with the same form without JavaScript.
/// </summary>
public sealed class RenameModel(ChatService chats) : PageModel
{
    public ChatRecord Chat { get; private set; } = null!;

    public string? Error { get; private set; }

    public string? Title { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid id, bool cancel, CancellationToken cancellationToken)
    {
        var chat = await chats.FindAsync(HttpContext.FindOwnerId(), id, cancellationToken);
        if (chat is null)
        {
            return NotFound();
        }

        if (cancel && Request.WantsFragment())
        {
            var current = Request.IsFromChatPage(id);
            return FragmentResults.Html(ChatListMarkup.Item(chat, current));
        }

        Chat = chat;
        Title = chat.Title;
        return Request.WantsFragment() ? Partial("_RenameForm", this) : Page();
    }

    public async Task<IActionResult> OnPostAsync(Guid id, string? title, CancellationToken cancellationToken)
    {
        var ownerId = HttpContext.FindOwnerId();
        var result = ownerId is null ? new ChatResult<ChatRecord>(null, ChatError.NotFound) : await chats.RenameAsync(ownerId, id, title, cancellationToken);
        // A refused title is checked before the chat is looked up, and the chat may be deleted meanwhile: either way, not found.
        var chat = result.Error is { } refusal && refusal != ChatError.NotFound ? await chats.FindAsync(ownerId, id, cancellationToken) : null;
        if (result.Error == ChatError.NotFound || (result.Error is not null && chat is null))
        {
            return Request.IsHtmx() ? FragmentResults.Refusal(Response, ChatError.NotFound) : NotFound();
        }

        if (result.Error is { } error)
        {
            Chat = chat!;
            Error = error.Message;
            Title = title;
            Response.StatusCode = error.StatusCode;
            return Request.IsHtmx() ? Partial("_RenameForm", this) : Page();
        }

        var renamed = result.Value!;
        if (!Request.IsHtmx())
        {
            return Redirect($"/chat/{id:D}");
        }

        var current = Request.IsFromChatPage(id);
        // On the renamed chat's own page, its heading and the document title change too.
        var heading = current ? ThreadMarkup.TitleOob(renamed.Title) : string.Empty;
        return FragmentResults.Html(ChatListMarkup.Item(renamed, current) + heading);
    }
}
