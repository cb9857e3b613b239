using System.Buffers;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using OpenChat.Web.Accounts;

namespace OpenChat.Web.Generation;

/// <summary>
/// <c>GET /chat/live?chat={id}&amp;tab={tab}</c>: one server-sent-events stream per tab. On every connect or
/// reconnect it first sends the running reply of the chat in view as a whole (a snapshot), then live updates
/// for it and the owner's sidebar. Frames come pre-encoded from <see cref="LiveTab"/>; the loop drains what is
/// queued and flushes once.
/// </summary>
public static partial class LiveStreamEndpoint
{
    public const string Path = "/chat/live";

    public static IEndpointRouteBuilder MapLiveStream(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet(Path, StreamAsync).DisableAntiforgery();
        return endpoints;
    }

    private static async Task StreamAsync(HttpContext context, LiveHub hub, GenerationRegistry registry, IOptions<GenerationOptions> options)
    {
        var ownerId = context.FindOwnerId();
        var tabId = context.Request.Query["tab"].ToString();
        if (ownerId is null)
        {
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            return;
        }

        if (!TabIdPattern().IsMatch(tabId))
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            await context.Response.WriteAsync("The live stream needs a tab id of 8 to 32 letters and digits.");
            return;
        }

        Guid? chatId = Guid.TryParse(context.Request.Query["chat"].ToString(), out var parsed) ? parsed : null;
        context.Response.ContentType = "text/event-stream";
        context.Response.Headers.CacheControl = "no-cache, no-store";
        context.Response.Headers["X-Accel-Buffering"] = "no";
        context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();

        var tab = new LiveTab(ownerId, chatId, tabId);
        hub.Register(tab);
        GenerationRun? run = null;
        var aborted = context.RequestAborted;
        try
        {
            // Reconnect quickly after a dropped connection; the snapshot makes a reconnect lossless.
            context.Response.BodyWriter.Write("retry: 1000\n\n"u8);
            await context.Response.BodyWriter.FlushAsync(aborted);
            if (chatId is { } id)
            {
                run = registry.FindRun(ownerId, id);
                run?.Attach(tab, isResume: true);
            }

            var frames = tab.Frames;
            var keepAlive = options.Value.KeepAliveInterval;
            while (!aborted.IsCancellationRequested)
            {
                var waiting = frames.WaitToReadAsync(aborted);
                bool open;
                if (waiting.IsCompleted)
                {
                    open = waiting.Result;
                }
                else
                {
                    var pending = waiting.AsTask();
                    if (await Task.WhenAny(pending, Task.Delay(keepAlive, aborted)) != pending)
                    {
                        context.Response.BodyWriter.Write(SseFrame.KeepAlive.Bytes);
                        await context.Response.BodyWriter.FlushAsync(aborted);
                        continue;
                    }

                    open = await pending;
                }

                if (!open)
                {
                    break;
                }

                while (frames.TryRead(out var frame))
                {
                    context.Response.BodyWriter.Write(frame.Bytes);
                }

                await context.Response.BodyWriter.FlushAsync(aborted);
            }
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested)
        {
        }
        finally
        {
            tab.Close();
            run?.Detach(tab);
            registry.DetachEverywhere(tab);
            hub.Unregister(tab);
        }
    }

    [GeneratedRegex("^[A-Za-z0-9]{8,32}$")]
    private static partial Regex TabIdPattern();
}
