using System.Threading.Channels;

namespace OpenChat.Web.Live;

/// <summary>
/// One browser tab's live connection (its SSE stream). Frames queue in a bounded channel; a tab that
/// falls too far behind is dropped rather than slowing a reply down, and resynchronises when it reconnects.
/// </summary>
public sealed class LiveTab
{
    public const int QueueCapacity = 512;

    private readonly Channel<SseFrame> _frames = Channel.CreateBounded<SseFrame>(new BoundedChannelOptions(QueueCapacity)
    {
        SingleReader = true,
        SingleWriter = false,
        FullMode = BoundedChannelFullMode.Wait,
    });

    public LiveTab(string ownerId, Guid? chatId, string tabId)
    {
        OwnerId = ownerId;
        ChatId = chatId;
        TabId = tabId;
    }

    public string OwnerId { get; }

    /// <summary>The chat the tab shows, or null on the dashboard.</summary>
    public Guid? ChatId { get; }

    public string TabId { get; }

    /// <summary>The client's address (for the cap on live streams per address).</summary>
    public string? ClientAddress { get; init; }

    public ChannelReader<SseFrame> Frames => _frames.Reader;

    public bool IsClosed { get; private set; }

    /// <summary>Queues a frame without waiting; a full queue closes the tab (it will reconnect and resync).</summary>
    public void Send(SseFrame frame)
    {
        if (!_frames.Writer.TryWrite(frame))
        {
            Close();
        }
    }

    /// <summary>
    /// Closes the stream to make room for a newer one of the same owner or address. The browser waits a minute before it
    /// reconnects, so more tabs than the cap take turns slowly instead of pushing each other out every second.
    /// </summary>
    public void Evict()
    {
        _frames.Writer.TryWrite(SseFrame.SlowReconnect);
        Close();
    }

    public void Close()
    {
        IsClosed = true;
        _frames.Writer.TryComplete();
    }
}
