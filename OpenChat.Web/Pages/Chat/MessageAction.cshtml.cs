using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using OpenChat.Web.Accounts;
using OpenChat.Web.Chats;
using OpenChat.Web.Conversations;
using OpenChat.Web.Platform;

namespace OpenChat.Web.Pages.Chat;

/// <summary>
/// <c>POST /chat/{id}/messages/{messageId}/stop|retry|regenerate</c>. The new state of the reply reaches every
/// tab on the chat over its live stream; without JavaScript the browser goes back to the thread.
/// </summary>
public sealed class MessageActionModel(ChatService chats) : PageModel
{
    public IActionResult OnGet(Guid id) => Redirect($"/chat/{id:D}");

    public async Task<IActionResult> OnPostAsync(Guid id, Guid messageId, string verb, CancellationToken cancellationToken)
    {
        var ownerId = HttpContext.FindOwnerId();
        ChatError? error;
        if (ownerId is null)
        {
            error = ChatError.NotFound;
        }
        else if (verb == "stop")
        {
            // Stopping a reply that already finished is not an error: the person sees the final state anyway.
            error = chats.Stop(ownerId, id, messageId) || await chats.FindAsync(ownerId, id, cancellationToken) is not null ? null : ChatError.NotFound;
        }
        else
        {
            error = (await chats.RestartReplyAsync(ownerId, id, messageId, cancellationToken)).Error;
        }

        if (error is not null)
        {
            if (Request.IsHtmx())
            {
                return FragmentResults.Refusal(Response, error);
            }

            error.RateLimit?.Apply(HttpContext);
            return error == ChatError.NotFound ? NotFound() : StatusCode(error.StatusCode, error.Message);
        }

        return Request.IsHtmx() ? new NoContentResult() : Redirect($"/chat/{id:D}");
    }
}
