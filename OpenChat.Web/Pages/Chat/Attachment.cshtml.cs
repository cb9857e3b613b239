using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Net.Http.Headers;
using OpenChat.Web.Accounts;
using OpenChat.Web.Chats.Attachments;

namespace OpenChat.Web.Pages.Chat;

/// <summary>
/// <c>/chat/{id}/attachments/{attachmentId}</c>: a file sent with a message, for its owner only (anyone else gets 404).
/// Always a download (<c>Content-Disposition: attachment</c>, <c>nosniff</c>, its sniffed type), never a page of ours:
/// an <c>&lt;img&gt;</c> still shows an image served this way, which is how the thread's thumbnails load.
/// </summary>
public sealed class AttachmentModel(IAttachmentStore attachments) : PageModel
{
    public async Task<IActionResult> OnGetAsync(Guid id, Guid attachmentId, CancellationToken cancellationToken)
    {
        var ownerId = HttpContext.FindOwnerId();
        var found = ownerId is null ? null : await attachments.FindAsync(ownerId, id, attachmentId, cancellationToken);
        if (found is null)
        {
            return NotFound();
        }

        var (attachment, content) = found;
        Response.Headers[HeaderNames.XContentTypeOptions] = "nosniff";
        Response.Headers[HeaderNames.CacheControl] = "private, max-age=86400";
        var contentType = attachment.Kind == AttachmentKind.Text ? attachment.MediaType + "; charset=utf-8" : attachment.MediaType;
        return File(content, contentType, attachment.FileName);
    }
}
