using System.Globalization;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Metadata;

namespace OpenChat.Web.Platform;

/// <summary>
/// Request bodies are at most <see cref="DefaultMaxBytes"/> unless the endpoint says otherwise
/// (<c>[RequestSizeLimit]</c>: the send handlers take <see cref="SendMaxBytes"/> for attachments). A body declared
/// larger is refused without being used, with a 413 that says so: a toast for htmx, the error page otherwise.
/// </summary>
public static class RequestSizeLimits
{
    public const long DefaultMaxBytes = 64 * 1024;
    public const long SendMaxBytes = 12 * 1024 * 1024;

    /// <summary>
    /// A refused body up to this size is read and dropped before the answer, so the browser, still uploading, gets the
    /// message (closing on it mid-upload shows a connection error instead); anything larger is cut off.
    /// </summary>
    private const long MaxDrainBytes = 32 * 1024 * 1024;

    public static WebApplication UseRequestSizeLimits(this WebApplication app)
    {
        app.Use(static async (context, next) =>
        {
            if (context.Features.Get<Microsoft.AspNetCore.Diagnostics.IStatusCodeReExecuteFeature>() is not null)
            {
                await next(context); // the error page for a request refused here
                return;
            }

            var limit = LimitFor(context);
            if (limit is { } max && context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature)
            {
                feature.MaxRequestBodySize = max;
            }

            if (limit is { } most && context.Request.ContentLength > most)
            {
                await RefuseAsync(context, most);
                return;
            }

            try
            {
                await next(context);
            }
            catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge && !context.Response.HasStarted && limit is { } bound)
            {
                // A body without Content-Length that ran past the limit while being read.
                await RefuseAsync(context, bound);
            }
        });
        return app;
    }

    private static long? LimitFor(HttpContext context)
    {
        var metadata = context.GetEndpoint()?.Metadata;
        if (metadata is null)
        {
            return DefaultMaxBytes;
        }

        var handler = context.GetRouteValue("handler") as string ?? context.Request.Query["handler"].ToString();
        foreach (var forHandler in metadata.GetOrderedMetadata<HandlerRequestSizeLimitAttribute>())
        {
            if (string.Equals(forHandler.Handler, handler, StringComparison.OrdinalIgnoreCase))
            {
                return forHandler.MaxBytes;
            }
        }

        return metadata.GetMetadata<IRequestSizeLimitMetadata>() is { } limit ? limit.MaxRequestBodySize : DefaultMaxBytes;
    }

    public static string Describe(long bytes) => bytes >= 1024 * 1024
        ? (bytes / (1024.0 * 1024)).ToString("0.#", CultureInfo.InvariantCulture) + " MB"
        : (bytes / 1024.0).ToString("0.#", CultureInfo.InvariantCulture) + " KB";

    private static async Task RefuseAsync(HttpContext context, long limit)
    {
        var message = limit >= SendMaxBytes
            ? $"That is too large to send: a message with its attachments can be at most {Describe(limit)}."
            : $"That request is too large: at most {Describe(limit)} can be sent here.";
        if (context.Request.ContentLength <= MaxDrainBytes && context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature)
        {
            feature.MaxRequestBodySize = MaxDrainBytes;
            try
            {
                await context.Request.Body.CopyToAsync(Stream.Null, context.RequestAborted);
            }
            catch (Exception e) when (e is IOException or OperationCanceledException)
            {
                return; // the client went away
            }
        }
        else
        {
            context.Response.Headers.Connection = "close";
        }

        context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
        context.SetStatusMessage(message);
        if (context.Request.WantsFragment())
        {
            context.Response.Headers["HX-Retarget"] = "#toasts";
            context.Response.Headers["HX-Reswap"] = "innerHTML";
            context.Response.ContentType = "text/html; charset=utf-8";
            await context.Response.WriteAsync(FragmentResults.DangerToast(message), context.RequestAborted);
        }

        // Otherwise no body: the status code pages show /Error with the message.
    }
}
