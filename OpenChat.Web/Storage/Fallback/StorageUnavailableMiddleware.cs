using OpenChat.Web.Platform;

namespace OpenChat.Web.Storage.Fallback;

/// <summary>Answers 503 with a clear message when a request needed Postgres itself while it is down (accounts).</summary>
public sealed class StorageUnavailableMiddleware(RequestDelegate next)
{
    public async Task InvokeAsync(HttpContext context)
    {
        try
        {
            await next(context);
        }
        catch (StorageUnavailableException e) when (!context.Response.HasStarted)
        {
            context.Response.Clear();
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            context.Response.Headers.RetryAfter = "30";
            context.Response.ContentType = "text/html; charset=utf-8";
            var message = Chats.Html.Encode(e.Message);
            var fragment = context.Request.WantsFragment();
            if (fragment)
            {
                // As the app's other refusals: a toast (FragmentResults.Refusal).
                context.Response.Headers["HX-Retarget"] = "#toasts";
                context.Response.Headers["HX-Reswap"] = "beforeend";
            }

            await context.Response.WriteAsync(fragment
                ? $"<div class=\"toast toast-danger\" role=\"alert\">{message}</div>"
                : $"<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Database unavailable · OpenChat</title><link rel=\"stylesheet\" href=\"/css/app.css\"></head><body><main class=\"container\"><h1>Database unavailable</h1><p>{message}</p><p><a href=\"/chat\">Back to your chats</a></p></main></body></html>");
        }
    }
}
