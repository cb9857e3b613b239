using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using OpenChat.Web.Accounts;
using OpenChat.Web.Chats;
using OpenChat.Web.Chats.Attachments;
using OpenChat.Web.Conversations;
using OpenChat.Web.OpenRouter;
using OpenChat.Web.Platform;
using OpenChat.Web.Platform.RateLimiting;
using OpenChat.Web.Telemetry;

namespace OpenChat.Web.Pages.Chat;

/// <summary><c>/chat</c>: the dashboard. Its composer creates a chat from the first message and sends it.</summary>
[RateLimited(RateLimitKind.Send)]
[RequestSizeLimit(RequestSizeLimits.SendMaxBytes)]
[RequestFormLimits(MultipartBodyLengthLimit = RequestSizeLimits.SendMaxBytes)]
public sealed class IndexModel(ChatQueries chats, SendMessage send, ReplyKeyResolver keys, ModelPicker models) : PageModel, IDashboardPage
{
    public SidebarView Sidebar { get; private set; } = new([], false, null);

    public ComposerView Composer { get; private set; } = new("/chat", null, null, null);

    int IDashboardPage.ChatTotal => Sidebar.Chats.Count;

    bool IDashboardPage.HasApiKey => Composer.KeyPrompt is null;

    public async Task OnGetAsync(CancellationToken cancellationToken) => await LoadAsync(null, null, cancellationToken);

    public async Task<IActionResult> OnPostAsync(string? text, List<IFormFile>? files, CancellationToken cancellationToken)
    {
        var uploaded = await FormFiles.ReadAsync(files, cancellationToken);
        var ownerId = await HttpContext.EnsureOwnerIdAsync();
        var result = await send.StartChatAsync(ownerId, text, uploaded, cancellationToken);
        if (result.Error is { } error)
        {
            if (Request.IsHtmx())
            {
                return error.NeedsKey ? await KeyDialogResult.ForAsync(this, error) : FragmentResults.Refusal(Response, error, "#composer-error");
            }

            Response.StatusCode = error.StatusCode;
            error.RateLimit?.Apply(HttpContext);
            await LoadAsync(error.Message, text, cancellationToken);
            return Page();
        }

        var url = $"/chat/{result.Value!.Chat.Id:D}";
        if (Request.IsHtmx())
        {
            Response.Headers["HX-Trigger"] = ComposerView.ResetEvent;
            Response.Headers["HX-Location"] = url;
            return new NoContentResult();
        }

        return Redirect(url);
    }

    private async Task LoadAsync(string? error, string? text, CancellationToken cancellationToken)
    {
        var ownerId = HttpContext.FindOwnerId();
        var (list, hasMore) = await chats.ListAsync(ownerId, null, cancellationToken);
        Sidebar = new SidebarView(list, hasMore, null);
        var canSend = await keys.HasUsableKeyAsync(ownerId, cancellationToken);
        var modelButton = await models.ButtonAsync(ownerId, null, cancellationToken);
        Composer = new ComposerView("/chat", null, null, canSend ? null : ComposerView.AddKeyPrompt, error, text, modelButton)
        {
            FreeReplies = await keys.FreeRepliesAsync(ownerId, cancellationToken),
        };
        if (ownerId is not null)
        {
            ViewData.SetLiveUrl(null);
        }
    }
}
