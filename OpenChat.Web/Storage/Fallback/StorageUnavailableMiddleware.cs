using Npgsql;
using OpenChat.Web.Platform;

namespace OpenChat.Web.Storage.Fallback;

/// <summary>
/// Answers 503 with a clear message when a request needed Postgres itself while it is down (accounts), or when
/// Postgres cancelled one of its statements for running past <see cref="StorageOptions.StatementTimeoutSeconds"/>.
/// </summary>
public sealed class StorageUnavailableMiddleware(RequestDelegate next)
{
    public const string TooSlowMessage = "The database took too long to answer that request, so it was stopped. Try again; for a search, use more specific words.";

    public async Task InvokeAsync(HttpContext context)
    {
        try
        {
            await next(context);
        }
        catch (StorageUnavailableException e) when (!context.Response.HasStarted)
        {
            await RefuseAsync(context, e.Message, "Database unavailable");
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.QueryCanceled && !context.Response.HasStarted && !context.RequestAborted.IsCancellationRequested)
        {
            await RefuseAsync(context, TooSlowMessage, "Too slow");
        }
    }

    private static async Task RefuseAsync(HttpContext context, string text, string heading)
    {
        context.Response.Clear();
        context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        context.Response.Headers.RetryAfter = "30";
        context.Response.ContentType = "text/html; charset=utf-8";
        var message = Html.Encode(text);
        var fragment = context.Request.WantsFragment();
        if (fragment)
        {
            // As the app's other refusals: a toast (FragmentResults.Refusal).
            context.Response.Headers["HX-Retarget"] = "#toasts";
            context.Response.Headers["HX-Reswap"] = "beforeend";
        }

        await context.Response.WriteAsync(fragment
            ? $"<div class=\"toast toast-danger\" role=\"alert\">{message}</div>"
            : $"<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{heading} · OpenChat</title><link rel=\"stylesheet\" href=\"/css/app.css\"></head><body><main class=\"container\"><h1>{heading}</h1><p>{message}</p><p><a href=\"/chat\">Back to your chats</a></p></main></body></html>");
    }
}
