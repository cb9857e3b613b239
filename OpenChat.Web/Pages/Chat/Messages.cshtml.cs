using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using OpenChat.Web.Accounts;
using OpenChat.Web.Chats;
using OpenChat.Web.Conversations;
using OpenChat.Web.Platform;

namespace OpenChat.Web.Pages.Chat;

/// <summary><c>/chat/{id}/messages?before=…</c>: the previous page of a thread (a fragment, loaded when scrolled into view).</summary>
public sealed class MessagesModel(ChatService chats, MarkdownRenderer markdown, IAntiforgery antiforgery) : PageModel
{
    public async Task<IActionResult> OnGetAsync(Guid id, string? before, CancellationToken cancellationToken)
    {
        var ownerId = HttpContext.FindOwnerId();
        if (!ThreadMarkup.TryParseCursor(before, out var cursor) || cursor is null)
        {
            return FragmentResults.Html("<p class=\"form-error\" role=\"alert\">That thread position is not valid.</p>", StatusCodes.Status400BadRequest);
        }

        if (ownerId is null || await chats.FindAsync(ownerId, id, cancellationToken) is null)
        {
            return NotFound();
        }

        var page = await chats.LoadThreadAsync(ownerId, id, cursor, cancellationToken);
        var token = antiforgery.GetAndStoreTokens(HttpContext).RequestToken;
        var older = ThreadMarkup.OlderUrl(id, page);
        var html = string.Concat(older is null ? string.Empty : ThreadMarkup.OlderSentinel(older), string.Concat(ThreadMarkup.Articles(page, markdown, token, isNewestPage: false)));
        return FragmentResults.Html(html);
    }
}
