using System.Text;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using OpenChat.Web.Accounts;
using OpenChat.Web.Chats;
using OpenChat.Web.Conversations;

namespace OpenChat.Web.Pages.Chat;

/// <summary><c>/chat/{id}/export.md</c> and <c>/chat/{id}/export.json</c>: one chat as a download.</summary>
public sealed class ExportModel(ChatService chats, ChatExport json, ChatMarkdownExport markdown) : PageModel
{
    public async Task<IActionResult> OnGetAsync(Guid id, string format, CancellationToken cancellationToken)
    {
        if (format is not ("md" or "json"))
        {
            return NotFound();
        }

        var ownerId = HttpContext.FindOwnerId();
        var chat = ownerId is null ? null : await chats.FindAsync(ownerId, id, cancellationToken);
        if (chat is null || ownerId is null)
        {
            return NotFound();
        }

        Response.Headers.CacheControl = "no-store";
        Response.Headers.ContentDisposition = $"attachment; filename=\"{FileName(chat)}.{format}\"";
        if (format == "md")
        {
            return Content(await markdown.RenderAsync(ownerId, chat, cancellationToken), "text/markdown; charset=utf-8", Encoding.UTF8);
        }

        Response.ContentType = "application/json; charset=utf-8";
        await json.WriteChatAsync(ownerId, chat, Response.Body, cancellationToken);
        return new EmptyResult();
    }

    /// <summary>The title's letters and digits (ASCII, so the header needs no encoding), or "chat".</summary>
    private static string FileName(OpenChat.Web.Chats.Chat chat)
    {
        var builder = new StringBuilder();
        foreach (var c in chat.Title.ToLowerInvariant())
        {
            if (char.IsAsciiLetterOrDigit(c))
            {
                builder.Append(c);
            }
            else if (builder.Length > 0 && builder[^1] != '-')
            {
                builder.Append('-');
            }

            if (builder.Length >= 60)
            {
                break;
            }
        }

        var name = builder.ToString().Trim('-');
        return "openchat-" + (name.Length == 0 ? "chat" : name);
    }
}
