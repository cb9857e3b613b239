using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using OpenChat.Web.Chats;
using OpenChat.Web.Hosting;
using OpenChat.Web.Live;
using OpenChat.Web.OpenRouter;
using OpenChat.Web.Storage;

namespace OpenChat.Web.Generation;

/// <summary>
/// Owns every running reply: starts it on its own task with its own cancellation, streams it from
/// OpenRouter, flushes its text to storage at most every <see cref="GenerationOptions.FlushInterval"/>,
/// stores the final text with status, usage and model, and tells the tabs following it.
/// One reply runs per chat at a time.
/// </summary>
public sealed class GenerationRegistry
{
    private readonly ConcurrentDictionary<Guid, GenerationRun> _runsByChat = new();
    private readonly Dictionary<string, int> _runningByOwner = new(StringComparer.Ordinal);
    private readonly Lock _ownerGate = new();
    private readonly IChatRepository _chats;
    private readonly ConversationAssembler _conversation;
    private readonly OpenRouterChatStreamer _upstream;
    private readonly MarkdownRenderer _markdown;
    private readonly LiveHub _hub;
    private readonly TimeProvider _clock;
    private readonly GenerationOptions _options;
    private readonly OpenRouterOptions _openRouter;
    private readonly ILogger<GenerationRegistry> _logger;

    public GenerationRegistry(
        IChatRepository chats,
        ConversationAssembler conversation,
        OpenRouterChatStreamer upstream,
        MarkdownRenderer markdown,
        LiveHub hub,
        TimeProvider clock,
        IOptions<GenerationOptions> options,
        IOptions<OpenRouterOptions> openRouter,
        ILogger<GenerationRegistry> logger)
    {
        _chats = chats;
        _conversation = conversation;
        _upstream = upstream;
        _markdown = markdown;
        _hub = hub;
        _clock = clock;
        _options = options.Value;
        _openRouter = openRouter.Value;
        _logger = logger;
    }

    /// <summary>Raised (on the run's task) after a reply's final state is stored.</summary>
    public event Action<GenerationRun, ChatMessage>? ReplyFinished;

    public int RunningCount => _runsByChat.Count;

    /// <summary>The replies running on this instance now.</summary>
    public ICollection<GenerationRun> Runs => _runsByChat.Values;

    public GenerationRun? FindRun(string ownerId, Guid chatId) =>
        _runsByChat.TryGetValue(chatId, out var run) && run.Request.OwnerId == ownerId ? run : null;

    /// <summary>Replies of this owner being written now (in any chat).</summary>
    public int RunningFor(string ownerId)
    {
        lock (_ownerGate)
        {
            return _runningByOwner.GetValueOrDefault(ownerId);
        }
    }

    /// <summary>
    /// Starts a reply. Returns null when this chat already has one running, or the owner already has
    /// <paramref name="maxRunningPerOwner"/> running (counted until each reply ends, not only while its request lasts).
    /// </summary>
    public GenerationRun? TryStart(ReplyRequest request, int maxRunningPerOwner = int.MaxValue)
    {
        var run = new GenerationRun(request, _markdown, _clock.GetUtcNow());
        lock (_ownerGate)
        {
            var running = _runningByOwner.GetValueOrDefault(request.OwnerId);
            if (running >= maxRunningPerOwner || !_runsByChat.TryAdd(request.ChatId, run))
            {
                run.Dispose();
                return null;
            }

            _runningByOwner[request.OwnerId] = running + 1;
        }

        // Every tab of the owner showing this chat follows the reply, the sender's included: the turn
        // (question and reply) reaches all of them through their ordered live stream.
        foreach (var tab in _hub.TabsOf(request.OwnerId))
        {
            if (tab.ChatId == request.ChatId)
            {
                run.Attach(tab, isResume: false);
            }
        }

        run.Completion = Task.Run(() => ExecuteAsync(run));
        return run;
    }

    /// <returns>False when no such reply is running for this owner.</returns>
    public bool Stop(string ownerId, Guid chatId, Guid replyId)
    {
        var run = FindRun(ownerId, chatId);
        if (run is null || run.ReplyId != replyId)
        {
            return false;
        }

        run.RequestEnd(ReplyEnd.StopRequested);
        return true;
    }

    public void RequestEndAll(ReplyEnd reason)
    {
        foreach (var run in _runsByChat.Values)
        {
            run.RequestEnd(reason);
        }
    }

    /// <summary>
    /// Stops every reply of one owner on this instance and waits until each has ended and been stored (its streaming
    /// marker removed): an account being deleted must not leave a reply writing into it.
    /// </summary>
    public async Task StopOwnerAsync(string ownerId)
    {
        var runs = _runsByChat.Values.Where(r => r.Request.OwnerId == ownerId).ToList();
        foreach (var run in runs)
        {
            run.RequestEnd(ReplyEnd.StopRequested);
        }

        await Task.WhenAll(runs.Select(r => r.Completion));
    }

    /// <summary>Ends every run as interrupted, keeping its text, and waits until each is stored (the app is stopping).</summary>
    public async Task StopAllAsync()
    {
        RequestEndAll(ReplyEnd.Shutdown);
        await Task.WhenAll(_runsByChat.Values.Select(r => r.Completion));
    }

    /// <summary>A tab that went away stops following whatever it followed.</summary>
    public void DetachEverywhere(LiveTab tab)
    {
        if (tab.ChatId is { } chatId && _runsByChat.TryGetValue(chatId, out var run))
        {
            run.Detach(tab);
        }
    }

    private async Task ExecuteAsync(GenerationRun run)
    {
        var request = run.Request;
        var status = MessageStatus.Complete;
        ReplyError? error = null;
        MessageUsage? usage = null;
        using var idle = new CancellationTokenSource();
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(run.Cancellation, idle.Token);
        using var flushing = new CancellationTokenSource();
        var flusher = FlushPeriodicallyAsync(run, flushing.Token);
        try
        {
            var conversation = await _conversation.LoadAsync(request, linked.Token);
            idle.CancelAfter(_openRouter.UpstreamIdleTimeout);
            await foreach (var chunk in _upstream.StreamAsync(request.ApiKey, request.Model, conversation, linked.Token))
            {
                idle.CancelAfter(_openRouter.UpstreamIdleTimeout);
                if (chunk.Text is not null)
                {
                    run.Append(chunk.Text, _clock.GetUtcNow());
                }

                if (chunk.Usage is not null)
                {
                    usage = chunk.Usage;
                }
            }
        }
        catch (OperationCanceledException) when (linked.IsCancellationRequested)
        {
            (status, error) = run.EndReason switch
            {
                ReplyEnd.StopRequested => (MessageStatus.Stopped, null),
                ReplyEnd.Shutdown => (MessageStatus.Interrupted, null),
                _ => (MessageStatus.Error, new ReplyError(ReplyError.Timeout)),
            };
        }
        catch (UpstreamException e)
        {
            (status, error) = (MessageStatus.Error, e.Error);
            _logger.LogInformation("Reply {ReplyId} ended with upstream error {Kind} (HTTP {Status})", request.Reply.Id, e.Error.Kind, e.Error.HttpStatus);
        }
        catch (Exception e)
        {
            (status, error) = (MessageStatus.Error, new ReplyError(ReplyError.Upstream));
            _logger.LogError(e, "Reply {ReplyId} failed", request.Reply.Id);
        }

        await flushing.CancelAsync();
        await flusher;

        var final = request.Reply with
        {
            Content = run.TextSnapshot(),
            Status = status,
            Usage = usage,
            ErrorKind = error?.Format(),
            UpdatedAt = _clock.StorageNow(),
        };
        try
        {
            await StoreFinalAsync(request, final);
            if (request.AfterStored is { } afterStored)
            {
                try
                {
                    await afterStored(final);
                }
                catch (Exception e)
                {
                    _logger.LogError(e, "Recording the end of reply {ReplyId} failed", final.Id);
                }
            }
        }
        finally
        {
            // Whatever happened above, the chat is free again, every tab hears the end, and the run is released.
            _runsByChat.TryRemove(new KeyValuePair<Guid, GenerationRun>(request.ChatId, run));
            lock (_ownerGate)
            {
                var left = _runningByOwner.GetValueOrDefault(request.OwnerId) - 1;
                if (left > 0)
                {
                    _runningByOwner[request.OwnerId] = left;
                }
                else
                {
                    _runningByOwner.Remove(request.OwnerId);
                }
            }

            run.Finish(final);
            try
            {
                ReplyFinished?.Invoke(run, final);
            }
            catch (Exception e)
            {
                _logger.LogError(e, "A listener failed on the end of reply {ReplyId}", final.Id);
            }

            run.Dispose();
        }
    }

    private async Task FlushPeriodicallyAsync(GenerationRun run, CancellationToken cancellationToken)
    {
        var flushed = run.Version;
        using var timer = new PeriodicTimer(_options.FlushInterval, _clock);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                var version = run.Version;
                if (version == flushed)
                {
                    continue;
                }

                var update = new MessageUpdate(run.ReplyId, run.TextSnapshot(), MessageStatus.Streaming, null, null, _clock.StorageNow());
                try
                {
                    await _chats.UpdateMessageAsync(run.Request.OwnerId, run.ChatId, update, cancellationToken);
                    flushed = version;
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    _logger.LogWarning(e, "Could not flush reply {ReplyId}; will try again", run.ReplyId);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task StoreFinalAsync(ReplyRequest request, ChatMessage final)
    {
        var update = new MessageUpdate(final.Id, final.Content, final.Status, final.Usage, final.ErrorKind, final.UpdatedAt);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await _chats.UpdateMessageAsync(request.OwnerId, request.ChatId, update, CancellationToken.None);
                return;
            }
            catch (Exception e) when (attempt < 3)
            {
                _logger.LogWarning(e, "Could not store the end of reply {ReplyId} (attempt {Attempt})", final.Id, attempt);
                await Task.Delay(TimeSpan.FromMilliseconds(200 * attempt), CancellationToken.None);
            }
            catch (Exception e)
            {
                // Left as streaming in storage: the next start marks it interrupted, with the text of the last flush.
                _logger.LogError(e, "Could not store the end of reply {ReplyId}", final.Id);
                return;
            }
        }
    }
}
