using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using OpenChat.Web.Accounts;
using OpenChat.Web.Chats;
using OpenChat.Web.Chats.Search;
using OpenChat.Web.Conversations;
using OpenChat.Web.Platform;

namespace OpenChat.Web.Pages.Chat;

/// <summary>
/// <c>/chat/search?q=…</c>: the owner's chats and messages that match. From the sidebar (htmx) the answer is the
/// result items (nothing for an empty query, so the chat list shows again); without JavaScript, a page.
/// </summary>
public sealed class SearchModel(ChatService chats, IChatSearch search) : PageModel
{
    public const int MaxQueryLength = 200;

    [BindProperty(SupportsGet = true)]
    public string? Q { get; set; }

    public SearchQuery? Query { get; private set; }

    public IReadOnlyList<SearchHit> Hits { get; private set; } = [];

    public SidebarView Sidebar { get; private set; } = new([], false, null);

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        Response.Headers.Vary = "HX-Request";
        if (Q is { Length: > MaxQueryLength })
        {
            const string tooLong = "Search for at most 200 characters.";
            return Request.IsHtmx()
                ? FragmentResults.Html($"<li class=\"form-error\" role=\"alert\">{tooLong}</li>", StatusCodes.Status400BadRequest)
                : BadRequest(tooLong);
        }

        var ownerId = HttpContext.FindOwnerId();
        Query = SearchQuery.Parse(Q);
        if (Query is not null && ownerId is not null)
        {
            Hits = await search.SearchAsync(ownerId, Query, SearchMarkup.Limit, cancellationToken);
        }

        if (Request.IsHtmx() && !Request.IsBoosted())
        {
            return FragmentResults.Html(Query is null ? string.Empty : SearchMarkup.Results(Hits));
        }

        var (list, hasMore) = await chats.ListAsync(ownerId, null, cancellationToken);
        Sidebar = new SidebarView(list, hasMore, null);
        if (ownerId is not null)
        {
            ViewData.SetLiveUrl(null);
        }

        return Page();
    }
}
