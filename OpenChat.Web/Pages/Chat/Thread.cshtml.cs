using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using ChatRecord = OpenChat.Web.Chats.Chat;
using OpenChat.Web.Accounts;
using OpenChat.Web.Chats;
using OpenChat.Web.Chats.Attachments;
using OpenChat.Web.Chats.Search;
using OpenChat.Web.Chats.Usage;
using OpenChat.Web.Conversations;
using OpenChat.Web.OpenRouter;
using OpenChat.Web.Platform;
using OpenChat.Web.Platform.RateLimiting;

namespace OpenChat.Web.Pages.Chat;

/// <summary><c>/chat/{id}</c>: one conversation and its composer.</summary>
[RateLimited(RateLimitKind.Send)]
[RequestSizeLimit(RequestSizeLimits.SendMaxBytes)]
[RequestFormLimits(MultipartBodyLengthLimit = RequestSizeLimits.SendMaxBytes)]
public sealed class ThreadModel(
    ChatQueries chats,
    SendMessage send,
    ReplyKeyResolver keys,
    MarkdownRenderer markdown,
    IAntiforgery antiforgery,
    ModelPicker models,
    IUsageReport usage,
    IChatSearch search) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public Guid Id { get; set; }

    /// <summary>A message to show (from a search result): when it is older than the newest page, the page ending with it is shown.</summary>
    [BindProperty(SupportsGet = true)]
    public Guid? Around { get; set; }

    public ChatRecord Chat { get; private set; } = null!;

    public UsageTotals Usage { get; private set; } = UsageTotals.Zero;

    /// <summary>True when the page shows older messages around <see cref="Around"/>, not the newest ones.</summary>
    public bool ShowsOlderPage { get; private set; }

    public SidebarView Sidebar { get; private set; } = new([], false, null);

    public ComposerView Composer { get; private set; } = null!;

    public IReadOnlyList<string> Articles { get; private set; } = [];

    public string? OlderUrl { get; private set; }

    public bool IsStreaming { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken) =>
        await LoadAsync(null, null, cancellationToken) ? Page() : NotFound();

    public async Task<IActionResult> OnPostAsync(string? text, List<IFormFile>? files, CancellationToken cancellationToken)
    {
        var uploaded = await FormFiles.ReadAsync(files, cancellationToken);
        var ownerId = HttpContext.FindOwnerId();
        var result = ownerId is null
            ? new ChatResult<SentMessage>(null, ChatError.NotFound)
            : await send.SendAsync(ownerId, Id, text, uploaded, cancellationToken);
        if (result.Error is { } error)
        {
            if (Request.IsHtmx())
            {
                return error.NeedsKey ? await KeyDialogResult.ForAsync(this, error) : FragmentResults.Refusal(Response, error, "#composer-error");
            }

            if (error == ChatError.NotFound)
            {
                return NotFound();
            }

            Response.StatusCode = error.StatusCode;
            error.RateLimit?.Apply(HttpContext);
            await LoadAsync(error.Message, text, cancellationToken);
            return Page();
        }

        if (Request.IsHtmx())
        {
            // The question and the reply reach this tab (and every other tab on this chat) over its live stream.
            Response.Headers["HX-Trigger"] = ComposerView.ResetEvent;
            return FragmentResults.Html("<div id=\"composer-error\" class=\"composer-error\" hx-swap-oob=\"true\"></div>"
                + FreeRepliesMarkup.Html(await keys.FreeRepliesAsync(ownerId, cancellationToken), outOfBand: true));
        }

        return Redirect($"/chat/{Id:D}");
    }

    private async Task<bool> LoadAsync(string? error, string? text, CancellationToken cancellationToken)
    {
        var ownerId = HttpContext.FindOwnerId();
        var chat = await chats.FindAsync(ownerId, Id, cancellationToken);
        if (chat is null || ownerId is null)
        {
            return false;
        }

        Chat = chat;
        var (list, hasMore) = await chats.ListAsync(ownerId, null, cancellationToken);
        Sidebar = new SidebarView(list, hasMore, Id);
        var thread = await chats.LoadThreadAsync(ownerId, Id, null, cancellationToken);
        var token = antiforgery.GetAndStoreTokens(HttpContext).RequestToken;
        if (Around is { } around && thread.Messages.All(m => m.Id != around) &&
            await search.LocateMessageAsync(ownerId, Id, around, cancellationToken) is { } position)
        {
            // The page that ends with the message: everything up to its time, the message included.
            var through = new MessageCursor(position.CreatedAt, ThroughAnyId);
            var older = await chats.LoadThreadAsync(ownerId, Id, through, cancellationToken);
            ShowsOlderPage = true;
            Articles = ThreadMarkup.Articles(older, markdown, token, isNewestPage: false);
            OlderUrl = ThreadMarkup.OlderUrl(Id, older);
        }
        else
        {
            Articles = ThreadMarkup.Articles(thread, markdown, token, isNewestPage: true);
            OlderUrl = ThreadMarkup.OlderUrl(Id, thread);
        }

        Usage = await usage.ChatTotalAsync(ownerId, Id, cancellationToken);
        IsStreaming = thread.RunningReply is not null;
        var canSend = await keys.HasUsableKeyAsync(ownerId, cancellationToken);
        var modelButton = await models.ButtonAsync(ownerId, chat, cancellationToken);
        Composer = new ComposerView($"/chat/{Id:D}", Id, thread.RunningReply?.ReplyId, canSend ? null : ComposerView.AddKeyPrompt, error, text, modelButton)
        {
            FreeReplies = await keys.FreeRepliesAsync(ownerId, cancellationToken),
        };
        ViewData.SetLiveUrl(Id, thread.RunningReply?.ReplyId);
        return true;
    }

    // Sorts after every id at the same time in both stores (Postgres compares uuids bytewise; file names as text).
    private static readonly Guid ThroughAnyId = Guid.Parse("ffffffff-ffff-ffff-ffff-ffffffffffff");
}
