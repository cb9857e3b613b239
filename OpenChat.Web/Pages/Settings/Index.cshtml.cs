using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using OpenChat.Web.Accounts;
using OpenChat.Web.Chats;
using OpenChat.Web.Chats.Usage;
using OpenChat.Web.Conversations;
using OpenChat.Web.OpenRouter;
using OpenChat.Web.Platform;

namespace OpenChat.Web.Pages.Settings;

/// <summary>
/// <c>/settings</c>: account, OpenRouter key, appearance, privacy and your data. Each section posts to its own
/// handler (<c>/settings/key</c>, <c>/settings/appearance</c>, …); with htmx the section is re-rendered in place.
/// </summary>
[Platform.RateLimiting.RateLimited(Platform.RateLimiting.RateLimitKind.KeySave, Handler = "Key")]
// An import file may be up to 10 MB; every other settings form stays under the 64 KB default.
[HandlerRequestSizeLimit("import", ChatImport.MaxFileBytes + (64 * 1024))]
public sealed class IndexModel(
    ChatService chats,
    KeyVault keys,
    PreferenceService preferences,
    ChatExport export,
    ReplyKeyResolver resolver,
    IUsageReport usage,
    ChatImport import,
    TimeProvider clock,
    Telemetry.ProductAnalytics analytics) : PageModel
{
    public IReadOnlyList<DailyUsage> DailyUsage { get; private set; } = [];

    public DateOnly Today { get; private set; }

    public SidebarView Sidebar { get; private set; } = new([], false, null);

    public Preferences Preferences { get; private set; } = Accounts.Preferences.Default("anonymous");

    public DateTimeOffset? KeySavedAt { get; private set; }

    public KeyCheck? Credits { get; private set; }

    public string? KeyError { get; private set; }

    public string? Notice { get; private set; }

    /// <summary>Which section the notice belongs to (key, privacy, data).</summary>
    public string? NoticeFor { get; private set; }

    public bool IsMember { get; private set; }

    public bool OperatorKeyAvailable { get; private set; }

    public async Task OnGetAsync(CancellationToken cancellationToken) => await LoadAsync(cancellationToken);

    /// <summary>The key dialog, opened from the composer (or when a send needs a key).</summary>
    public async Task<IActionResult> OnGetKeyDialogAsync(CancellationToken cancellationToken)
    {
        var savedAt = await keys.SavedAtAsync(HttpContext.FindOwnerId(), cancellationToken);
        return KeyDialogResult.Dialog(this, new KeyDialogView(null, null, savedAt is not null));
    }

    public async Task<IActionResult> OnPostKeyAsync(string? key, string? source, CancellationToken cancellationToken)
    {
        var ownerId = await HttpContext.EnsureOwnerIdAsync();
        var result = await keys.SaveAsync(ownerId, key, cancellationToken);
        var fromDialog = source == "modal";
        var keySource = fromDialog ? "modal" : "settings";
        if (result.Outcome == KeySaveOutcome.Saved)
        {
            await analytics.CaptureAsync("openrouter.key_saved", p =>
            {
                p["source"] = keySource;
                p["scope"] = OwnerIdentity.IsGuestId(ownerId) ? "guest" : "member";
                p["key_label_present"] = result.LabelPresent;
            });
        }
        else if (result.Outcome is KeySaveOutcome.Rejected or KeySaveOutcome.Unreachable)
        {
            await analytics.CaptureAsync("openrouter.key_rejected", p =>
            {
                p["status"] = result.Outcome == KeySaveOutcome.Rejected ? result.Status : 0;
                p["source"] = keySource;
            });
        }

        if (result.Outcome != KeySaveOutcome.Saved)
        {
            var status = result.Outcome == KeySaveOutcome.Unreachable ? StatusCodes.Status502BadGateway : StatusCodes.Status422UnprocessableEntity;
            if (fromDialog && Request.IsHtmx())
            {
                return KeyDialogResult.Dialog(this, new KeyDialogView(null, result.Message, await keys.SavedAtAsync(ownerId, cancellationToken) is not null), status);
            }

            KeyError = result.Message;
            Response.StatusCode = status;
            return await SectionOrPageAsync("_KeySection", cancellationToken);
        }

        if (fromDialog && Request.IsHtmx())
        {
            // Close the dialog and tell the composer it can send now; the typed message is still in it.
            return FragmentResults.Html(
                "<p id=\"composer-status\" class=\"composer-note\" hx-swap-oob=\"true\"><span class=\"composer-keys\">Enter to send · Shift+Enter for a new line</span></p>" +
                "<div hx-swap-oob=\"beforeend:#toasts\"><div class=\"toast\" role=\"status\">Key saved. You can send your message now.</div></div>");
        }

        (Notice, NoticeFor) = ("Key saved.", "key");
        return await SectionOrPageAsync("_KeySection", cancellationToken);
    }

    public async Task<IActionResult> OnPostRemoveKeyAsync(CancellationToken cancellationToken)
    {
        var ownerId = HttpContext.FindOwnerId();
        if (ownerId is not null && await keys.RemoveAsync(ownerId, cancellationToken))
        {
            await analytics.CaptureAsync("openrouter.key_removed", p => p["source"] = "settings");
        }

        (Notice, NoticeFor) = ("Key removed.", "key");
        return await SectionOrPageAsync("_KeySection", cancellationToken);
    }

    public async Task<IActionResult> OnPostAppearanceAsync(string? uiTheme, string? brandTheme, CancellationToken cancellationToken)
    {
        var ownerId = await HttpContext.EnsureOwnerIdAsync();
        var saved = await preferences.SaveAppearanceAsync(HttpContext, ownerId, uiTheme, brandTheme, cancellationToken);
        if (saved is null)
        {
            Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
            return Request.IsHtmx()
                ? FragmentResults.Refusal(Response, new ChatError(StatusCodes.Status422UnprocessableEntity, "That theme or accent does not exist."))
                : Content("That theme or accent does not exist.");
        }

        foreach (var (setting, value) in new[] { ("ui_theme", uiTheme), ("brand_theme", brandTheme) })
        {
            if (value is not null)
            {
                await analytics.CaptureAsync("settings.changed", p =>
                {
                    p["setting"] = setting;
                    p["value"] = value;
                });
            }
        }

        return Request.IsHtmx() ? new NoContentResult() : RedirectBack();
    }

    public async Task<IActionResult> OnPostPrivacyAsync(bool shareUsageData, CancellationToken cancellationToken)
    {
        var ownerId = await HttpContext.EnsureOwnerIdAsync();
        await preferences.SaveSharingAsync(ownerId, shareUsageData, cancellationToken);
        Telemetry.ProductAnalytics.ResetScope(HttpContext);
        // Turning sharing off is respected at once: only turning it on is recorded.
        await analytics.CaptureAsync("settings.changed", p =>
        {
            p["setting"] = "share_usage_data";
            p["value"] = shareUsageData;
        });
        (Notice, NoticeFor) = (shareUsageData ? "Thanks: anonymous usage data helps us improve OpenChat." : "Usage data is no longer shared.", "privacy");
        return await SectionOrPageAsync("_PrivacySection", cancellationToken);
    }

    public async Task<IActionResult> OnGetExportAsync(CancellationToken cancellationToken)
    {
        var ownerId = HttpContext.FindOwnerId();
        Response.ContentType = "application/json; charset=utf-8";
        Response.Headers.ContentDisposition = $"attachment; filename=\"openchat-export-{DateTime.UtcNow:yyyy-MM-dd}.json\"";
        Response.Headers.CacheControl = "no-store";
        if (ownerId is null)
        {
            await Response.WriteAsync("{\"format\":\"openchat.export\",\"version\":1,\"chats\":[]}", cancellationToken);
        }
        else
        {
            await export.WriteAsync(ownerId, Response.Body, cancellationToken);
        }

        return new EmptyResult();
    }

    public async Task<IActionResult> OnPostImportAsync(IFormFile? file, CancellationToken cancellationToken)
    {
        ChatError? refusal = null;
        if (file is null || file.Length == 0)
        {
            refusal = new ChatError(StatusCodes.Status422UnprocessableEntity, "Choose an OpenChat JSON export to import.");
        }
        else if (file.Length > ChatImport.MaxFileBytes)
        {
            refusal = new ChatError(StatusCodes.Status413PayloadTooLarge, $"That file is larger than {ChatImport.MaxFileBytes / (1024 * 1024)} MB. Export fewer chats at a time.");
        }
        else
        {
            var ownerId = await HttpContext.EnsureOwnerIdAsync();
            await using var stream = file.OpenReadStream();
            var result = await import.ImportAsync(ownerId, stream, cancellationToken);
            if (result.Value is { } created)
            {
                if (created.Count == 1 && !Request.IsHtmx())
                {
                    return Redirect($"/chat/{created[0]:D}");
                }

                (Notice, NoticeFor) = (created.Count == 1 ? "1 chat imported." : $"{created.Count} chats imported.", "data");
                return await SectionOrPageAsync("_DataSection", cancellationToken);
            }

            refusal = result.Error;
        }

        Response.StatusCode = refusal!.StatusCode;
        (Notice, NoticeFor, ImportError) = (refusal.Message, "data", true);
        return await SectionOrPageAsync("_DataSection", cancellationToken);
    }

    /// <summary>True when <see cref="Notice"/> says why an import was refused.</summary>
    public bool ImportError { get; private set; }

    public async Task<IActionResult> OnPostDeleteChatsAsync(string? confirm, CancellationToken cancellationToken)
    {
        var ownerId = HttpContext.FindOwnerId();
        if (!string.Equals(confirm?.Trim(), "DELETE", StringComparison.Ordinal))
        {
            Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
            (Notice, NoticeFor) = ("Type DELETE to confirm.", "data");
            return await SectionOrPageAsync("_DataSection", cancellationToken);
        }

        var deleted = ownerId is null ? 0 : await chats.DeleteAllAsync(ownerId, cancellationToken);
        (Notice, NoticeFor) = (deleted == 1 ? "1 chat deleted." : $"{deleted} chats deleted.", "data");
        return await SectionOrPageAsync("_DataSection", cancellationToken);
    }

    private async Task<IActionResult> SectionOrPageAsync(string section, CancellationToken cancellationToken)
    {
        await LoadAsync(cancellationToken);
        if (Request.IsHtmx())
        {
            return Partial(section, this);
        }

        return Page();
    }

    private LocalRedirectResult RedirectBack()
    {
        var referer = Request.Headers.Referer.ToString();
        return Uri.TryCreate(referer, UriKind.Absolute, out var uri) && uri.Authority == Request.Host.Value
            ? LocalRedirect(uri.PathAndQuery)
            : LocalRedirect("/settings");
    }

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        var ownerId = HttpContext.FindOwnerId();
        var (list, hasMore) = await chats.ListAsync(ownerId, null, cancellationToken);
        Sidebar = new SidebarView(list, hasMore, null);
        Preferences = await preferences.GetAsync(ownerId, cancellationToken);
        KeySavedAt = await keys.SavedAtAsync(ownerId, cancellationToken);
        IsMember = User.FindFirst(OwnerIdentity.KindClaim)?.Value == "member";
        OperatorKeyAvailable = await resolver.HasUsableKeyAsync(ownerId, cancellationToken) && KeySavedAt is null;
        if (KeySavedAt is not null && ownerId is not null && !Request.IsHtmx())
        {
            Credits = await keys.CheckCreditsAsync(ownerId, cancellationToken);
        }

        Today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        if (ownerId is not null && !Request.IsHtmx())
        {
            DailyUsage = await usage.DailyAsync(ownerId, Today.AddDays(-(UsageChartMarkup.Days - 1)), Today, cancellationToken);
        }

        if (ownerId is not null)
        {
            ViewData.SetLiveUrl(null);
        }
    }
}
