using System.Text;
using OpenChat.Web.Chats;
using OpenChat.Web.Live;

namespace OpenChat.Web.Generation;

/// <summary>
/// The live state of one reply being written, owned by the server rather than by any request: its text,
/// the tabs following it, and its cancellation. Every change to the text and to the followers happens under
/// one lock, so a tab that attaches gets a snapshot followed by exactly the deltas after it.
/// </summary>
public sealed class GenerationRun : IRunningReply, IFollowableReply, IDisposable
{
    private readonly object _gate = new();
    private readonly StringBuilder _text = new();
    private readonly StringBuilder _blocksHtml = new();
    private readonly LiveMarkdownSplitter _splitter = new();
    private readonly List<LiveTab> _followers = [];
    private readonly MarkdownRenderer _markdown;
    private readonly CancellationTokenSource _cancellation = new();
    private int _renderedUpTo;
    private int _version;
    private bool _finished;

    public GenerationRun(ReplyRequest request, MarkdownRenderer markdown, DateTimeOffset startedAt)
    {
        Request = request;
        _markdown = markdown;
        StartedAt = startedAt;
    }

    public ReplyRequest Request { get; }

    public Guid ChatId => Request.ChatId;

    public Guid ReplyId => Request.Reply.Id;

    public DateTimeOffset StartedAt { get; }

    public DateTimeOffset? FirstTokenAt { get; private set; }

    public CancellationToken Cancellation => _cancellation.Token;

    public ReplyEnd EndReason { get; private set; }

    /// <summary>How many times a tab attached after the reply began (reloads, second tabs, reconnects).</summary>
    public int Resumes { get; private set; }

    public Task Completion { get; set; } = Task.CompletedTask;

    /// <summary>Bumped on every append; the flusher writes when it moved.</summary>
    public int Version => Volatile.Read(ref _version);

    public void RequestEnd(ReplyEnd reason)
    {
        lock (_gate)
        {
            if (EndReason != ReplyEnd.None || _finished)
            {
                return;
            }

            EndReason = reason;
        }

        try
        {
            // Outside the lock: cancelling runs the upstream request's abort callbacks synchronously.
            _cancellation.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The run finished and was disposed in the meantime; nothing left to stop.
        }
    }

    public string TextSnapshot()
    {
        lock (_gate)
        {
            return _text.ToString();
        }
    }

    /// <summary>The text after the first <paramref name="offset"/> characters (empty when there is none yet).</summary>
    public string TextAfter(int offset)
    {
        lock (_gate)
        {
            return offset >= _text.Length ? string.Empty : _text.ToString(offset, _text.Length - offset);
        }
    }

    public void Append(string delta, DateTimeOffset now)
    {
        lock (_gate)
        {
            FirstTokenAt ??= now;
            var before = _text.Length;
            _text.Append(delta);
            _version++;
            SseFrame frame;
            if (_splitter.Advance(_text))
            {
                var committed = _splitter.CommittedLength;
                var blocks = _markdown.Render(_text.ToString(_renderedUpTo, committed - _renderedUpTo));
                _blocksHtml.Append(blocks);
                _renderedUpTo = committed;
                frame = LiveFrames.FinishedBlocks(ReplyId, blocks, _text.ToString(committed, _text.Length - committed));
            }
            else
            {
                frame = LiveFrames.TextDelta(_text.ToString(before, _text.Length - before));
            }

            foreach (var tab in _followers)
            {
                tab.Send(frame);
            }
        }
    }

    /// <summary>Adds a tab as a follower, first sending it the whole turn as it stands (idempotent per tab).</summary>
    /// <returns>False when the reply already finished (its final state is stored; the tab must get it from there).</returns>
    public bool Attach(LiveTab tab, bool isResume)
    {
        lock (_gate)
        {
            if (_finished)
            {
                return false;
            }

            if (_followers.Contains(tab))
            {
                return true;
            }

            if (isResume)
            {
                Resumes++;
            }

            tab.Send(LiveFrames.Turn(Request.UserMessage, ReplyViewLocked(null), streaming: true));
            _followers.Add(tab);
            return true;
        }
    }

    public void Detach(LiveTab tab)
    {
        lock (_gate)
        {
            _followers.Remove(tab);
        }
    }

    /// <summary>The reply as it stands, for a page rendered while it runs.</summary>
    public MessageView ReplyView(string? antiforgeryToken)
    {
        lock (_gate)
        {
            return ReplyViewLocked(antiforgeryToken);
        }
    }

    /// <summary>Sends the finished reply to every follower and lets them go.</summary>
    public void Finish(ChatMessage final)
    {
        lock (_gate)
        {
            _finished = true;
            SseFrame frame;
            try
            {
                frame = FinalFrameLocked(final);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // Tabs must always learn that the reply ended: fall back to the text, escaped.
                var plain = new MessageView(final, $"<p class=\"msg-text\">{Html.Encode(final.Content)}</p>", null, IsLatestReply: true, AntiforgeryToken: null);
                frame = LiveFrames.FinalReply(plain, lastBlocks: null, idleComposer: true);
            }

            foreach (var tab in _followers)
            {
                tab.Send(frame);
            }

            _followers.Clear();
        }
    }

    private SseFrame FinalFrameLocked(ChatMessage final)
    {
        var finalHtml = _markdown.RenderFinished(final.Content);
        var remainder = final.Content.Length >= _renderedUpTo && string.Equals(final.Content[.._renderedUpTo], _text.ToString(0, _renderedUpTo), StringComparison.Ordinal)
            ? _markdown.Render(final.Content[_renderedUpTo..])
            : null;
        var view = new MessageView(final, finalHtml, null, IsLatestReply: true, AntiforgeryToken: null);
        if (remainder is not null && string.Equals(string.Concat(_blocksHtml.ToString(), remainder), finalHtml, StringComparison.Ordinal))
        {
            // What the tabs already show is the final rendering: add the last block and keep the rest in place.
            return LiveFrames.FinalReply(view, lastBlocks: remainder, idleComposer: true);
        }

        return LiveFrames.FinalReply(view, lastBlocks: null, idleComposer: true);
    }

    private MessageView ReplyViewLocked(string? antiforgeryToken)
    {
        var reply = Request.Reply with { Content = _text.ToString(), Status = MessageStatus.Streaming };
        var tail = _text.ToString(_renderedUpTo, _text.Length - _renderedUpTo);
        return new MessageView(reply, _blocksHtml.ToString(), tail, IsLatestReply: true, antiforgeryToken);
    }

    public void Dispose() => _cancellation.Dispose();
}
