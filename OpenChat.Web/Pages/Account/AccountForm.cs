using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using OpenChat.Web.Accounts;
using OpenChat.Web.Platform;

namespace OpenChat.Web.Pages.Account;

/// <summary>
/// What the account pages share: field and form errors from an <see cref="AccountResult"/>, answering a
/// refusal (a fragment for htmx, the page again otherwise) and leaving after a change of identity.
/// </summary>
public abstract class AccountForm : PageModel
{
    private IReadOnlyDictionary<string, string> _fieldErrors = new Dictionary<string, string>();

    public string? FormError { get; private set; }

    public string? FieldError(string field) => _fieldErrors.GetValueOrDefault(field);

    public bool HasErrors => FormError is not null || _fieldErrors.Count > 0;

    /// <summary>The first field with an error, which gets focus when the form comes back.</summary>
    public string? FirstInvalid(params string[] fields) => fields.FirstOrDefault(f => _fieldErrors.ContainsKey(f));

    /// <summary>A refused submission: 422 (429 with Retry-After for a lockout), as the form fragment for htmx or the whole page.</summary>
    protected IActionResult Refuse(AccountResult result, string partialName)
    {
        _fieldErrors = result.FieldErrors;
        FormError = result.FormError;
        if (result.RetryAfter is { } retryAfter)
        {
            Response.StatusCode = StatusCodes.Status429TooManyRequests;
            Response.Headers.RetryAfter = ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        else
        {
            Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
        }

        return Request.WantsFragment() ? Partial(partialName, this) : Page();
    }

    /// <summary>
    /// After signing in, up or out the whole page is rendered again (antiforgery tokens and the live stream
    /// belong to the identity): a full load for htmx (<c>HX-Redirect</c>), a redirect otherwise.
    /// </summary>
    protected IActionResult Leave(string url)
    {
        if (Request.IsHtmx())
        {
            Response.Headers["HX-Redirect"] = url;
            return new NoContentResult();
        }

        return Redirect(url);
    }

    /// <summary>The client's IP address (the connection's, or a listed proxy's forwarded one).</summary>
    protected string ClientAddress => HttpContext.Connection.RemoteIpAddress?.ToString() ?? "unknown";

    /// <summary>Where to go after signing in: first the question about a key saved as a guest, when there is one.</summary>
    protected string AfterSignIn(bool guestKeyWaiting, string? returnUrl) => guestKeyWaiting
        ? "/account/guest-key?returnUrl=" + Uri.EscapeDataString(SafeReturnUrl(returnUrl))
        : SafeReturnUrl(returnUrl);

    /// <summary>A local return address (never another site, never back to the sign-in pages), else <c>/chat</c>.</summary>
    protected string SafeReturnUrl(string? returnUrl) =>
        IsSafeReturnUrl(returnUrl) ? returnUrl! : "/chat";

    public static bool IsSafeReturnUrl(string? returnUrl) =>
        !string.IsNullOrEmpty(returnUrl)
        && returnUrl.Length <= 2048
        && returnUrl[0] == '/'
        && (returnUrl.Length == 1 || (returnUrl[1] != '/' && returnUrl[1] != '\\'))
        && returnUrl.All(char.IsAscii) // a Location header carries ASCII only (anything else was a 500)
        && !returnUrl.Any(char.IsControl)
        && !returnUrl.StartsWith("/account/sign-", StringComparison.OrdinalIgnoreCase);
}
