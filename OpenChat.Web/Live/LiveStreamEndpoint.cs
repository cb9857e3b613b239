using System.Buffers;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using OpenChat.Web.Accounts;
using OpenChat.Web.Chats;
using OpenChat.Web.Chats.Usage;

namespace OpenChat.Web.Live;

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

    private static async Task StreamAsync(
        HttpContext context,
        LiveHub hub,
        ILiveReplies replies,
        IChatRepository chats,
        MarkdownRenderer markdown,
        IUsageReport usage,
        IOptions<LiveOptions> options)
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
        Guid? shownReplyId = Guid.TryParse(context.Request.Query["reply"].ToString(), out var reply) ? reply : null;
        context.Response.ContentType = "text/event-stream";
        context.Response.Headers.CacheControl = "no-cache, no-store";
        context.Response.Headers["X-Accel-Buffering"] = "no";
        context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();

        var tab = new LiveTab(ownerId, chatId, tabId) { ClientAddress = context.Connection.RemoteIpAddress?.ToString() };
        hub.Register(tab);
        IFollowableReply? run = null;
        var aborted = context.RequestAborted;
        try
        {
            // Reconnect quickly after a dropped connection; the snapshot makes a reconnect lossless.
            context.Response.BodyWriter.Write("retry: 1000\n\n"u8);
            await context.Response.BodyWriter.FlushAsync(aborted);
            if (chatId is { } id)
            {
                // Running here, or on another instance (then followed through the events it relays).
                run = await replies.FindAsync(ownerId, id);
                if (run is not null && !run.Attach(tab, isResume: true))
                {
                    run = null; // it finished a moment ago: its final state is stored
                }

                // The page showed a reply as streaming that is no longer running (it ended between the page
                // and this connection): without its final state the tab would show it streaming forever.
                if (shownReplyId is { } shown && run?.ReplyId != shown)
                {
                    await SendSettledReplyAsync(tab, chats, markdown, usage, ownerId, id, shown, idleComposer: run is null, aborted);
                }
            }

            var frames = tab.Frames;
            var keepAlive = options.Value.KeepAliveInterval;
            // One timer per connection, pushed back after every write (not a new delay per wait).
            var idle = CancellationTokenSource.CreateLinkedTokenSource(aborted);
            try
            {
                idle.CancelAfter(keepAlive);
                while (true)
                {
                    bool open;
                    try
                    {
                        open = frames.TryPeek(out _) || await frames.WaitToReadAsync(idle.Token);
                    }
                    catch (OperationCanceledException) when (!aborted.IsCancellationRequested)
                    {
                        context.Response.BodyWriter.Write(SseFrame.KeepAlive.Bytes);
                        await context.Response.BodyWriter.FlushAsync(aborted);
                        idle.Dispose();
                        idle = CancellationTokenSource.CreateLinkedTokenSource(aborted);
                        idle.CancelAfter(keepAlive);
                        continue;
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
                    idle.CancelAfter(keepAlive);
                }
            }
            finally
            {
                idle.Dispose();
            }
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested)
        {
        }
        finally
        {
            tab.Close();
            run?.Detach(tab);
            replies.DetachEverywhere(tab);
            hub.Unregister(tab);
        }
    }

    /// <summary>Queues the stored, finished state of a reply (and, with no reply running, the idle composer) for the tab.</summary>
    private static async Task SendSettledReplyAsync(
        LiveTab tab, IChatRepository chats, MarkdownRenderer markdown, IUsageReport usage, string ownerId, Guid chatId, Guid replyId, bool idleComposer, CancellationToken cancellationToken)
    {
        // A reply the page showed streaming was the newest message then; a couple of the newest find it unless newer turns followed.
        var newest = await chats.ListMessagesAsync(ownerId, chatId, null, 2, cancellationToken);
        var settled = newest.FirstOrDefault(m => m.Id == replyId && m.Role == MessageRole.Assistant);
        if (settled is null || settled.Status == MessageStatus.Streaming)
        {
            return;
        }

        var view = new MessageView(settled, markdown.RenderFinished(settled.Content), null, IsLatestReply: newest[^1].Id == replyId, AntiforgeryToken: null);
        // The page's header total was drawn while the reply ran; the reply's end was not seen by this tab.
        var total = settled.Usage is null ? null : await usage.ChatTotalAsync(ownerId, chatId, cancellationToken);
        tab.Send(LiveFrames.FinalReply(view, lastBlocks: null, idleComposer, total));
    }

    [GeneratedRegex("^[A-Za-z0-9]{8,32}$")]
    private static partial Regex TabIdPattern();
}
