using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using OpenChat.Web.Accounts;
using OpenChat.Web.Chats;
using OpenChat.Web.Conversations;
using OpenChat.Web.OpenRouter;
using OpenChat.Web.Platform;

namespace OpenChat.Web.Pages.Models;

/// <summary>
/// <c>/models</c>: the model picker. htmx asks for it as a dialog (the composer's model button), for its list
/// (<c>/models/list</c>, as people type) and posts the choice; without JavaScript it is a page of its own.
/// </summary>
public sealed class IndexModel(ModelPicker picker, ChatService chats) : PageModel
{
    public ModelPickerView Picker { get; private set; } = null!;

    public SidebarView Sidebar { get; private set; } = new([], false, null);

    public string? Error { get; private set; }

    public async Task<IActionResult> OnGetAsync(string? q, Guid? chat, CancellationToken cancellationToken)
    {
        if (!await LoadAsync(q, chat, cancellationToken))
        {
            return NotFound();
        }

        return Request.WantsFragment() ? Partial("_ModelPickerDialog", Picker) : Page();
    }

    public async Task<IActionResult> OnGetListAsync(string? q, Guid? chat, CancellationToken cancellationToken)
    {
        if (!await LoadAsync(q, chat, cancellationToken))
        {
            return NotFound();
        }

        if (!Request.WantsFragment())
        {
            return Page();
        }

        var list = Partial("_ModelResults", Picker);
        list.ViewData["CountOob"] = true;
        return list;
    }

    public async Task<IActionResult> OnPostAsync(string? model, Guid? chat, CancellationToken cancellationToken)
    {
        // Someone without an identity has no chats; and a refused choice does not make anyone a guest.
        var wasAnonymous = HttpContext.FindOwnerId() is null;
        var found = wasAnonymous && chat is not null
            ? new ChatResult<ModelInfo>(null, ChatError.NotFound)
            : await picker.FindAsync(model, cancellationToken);
        var result = found.Value is { } chosen
            ? await picker.ChooseAsync(await HttpContext.EnsureOwnerIdAsync(), chosen, chat, cancellationToken)
            : new ChatResult<ModelButtonView>(null, found.Error);
        if (result.Error is { } error)
        {
            if (Request.WantsFragment())
            {
                return FragmentResults.Refusal(Response, error, "#model-picker-error");
            }

            if (error == ChatError.NotFound)
            {
                return NotFound();
            }

            Response.StatusCode = error.StatusCode;
            Error = error.Message;
            await LoadAsync(null, chat, cancellationToken);
            return Page();
        }

        if (Request.WantsFragment() && wasAnonymous)
        {
            // This choice made the visitor a guest, so the page's antiforgery token is stale: load the page again.
            Response.Headers["HX-Location"] = "/chat";
            return new NoContentResult();
        }

        if (Request.WantsFragment())
        {
            // The dialog goes (its slot is emptied) and the composer's button shows the new model.
            var button = Partial("_ModelButton", result.Value);
            button.ViewData["Oob"] = true;
            return button;
        }

        return Redirect(chat is { } id ? $"/chat/{id:D}" : "/chat");
    }

    private async Task<bool> LoadAsync(string? q, Guid? chat, CancellationToken cancellationToken)
    {
        var ownerId = HttpContext.FindOwnerId();
        var view = await picker.ListAsync(ownerId, chat, q, cancellationToken);
        if (view is null)
        {
            return false;
        }

        Picker = view;
        if (!Request.WantsFragment())
        {
            var (list, hasMore) = await chats.ListAsync(ownerId, null, cancellationToken);
            Sidebar = new SidebarView(list, hasMore, chat);
        }

        return true;
    }
}
