using System.Text;
using OpenChat.Web.Generation;

namespace OpenChat.Web.Instances;

/// <summary>
/// A reply being written on another instance, as this instance hears it: its text so far, and once a tab here
/// follows it, a <see cref="GenerationRun"/> fed with the deltas (so rendering and snapshots work as for local runs).
/// </summary>
internal sealed class RemoteReply(string ownerId, Guid chatId, Guid replyId)
{
    private readonly object _gate = new();
    private readonly StringBuilder _pending = new();
    private int _length;
    private GenerationRun? _run;
    private Task<GenerationRun?>? _loading;

    public string OwnerId { get; } = ownerId;

    public Guid ChatId { get; } = chatId;

    public Guid ReplyId { get; } = replyId;

    /// <summary>A delta went missing (a lost notification): the text here stays as it was until the stored end arrives.</summary>
    public bool HasGap { get; private set; }

    public GenerationRun? Run
    {
        get
        {
            lock (_gate)
            {
                return _run;
            }
        }
    }

    public void Apply(int offset, string text, DateTimeOffset now)
    {
        lock (_gate)
        {
            if (HasGap)
            {
                return;
            }

            if (offset > _length)
            {
                HasGap = true;
                return;
            }

            var skip = _length - offset;
            if (skip >= text.Length)
            {
                return;
            }

            var delta = skip == 0 ? text : text[skip..];
            _length += delta.Length;
            if (_run is not null)
            {
                _run.Append(delta, now);
            }
            else
            {
                _pending.Append(delta);
            }
        }
    }

    /// <summary>The run tabs follow, made once from <paramref name="load"/> (which reads the turn from storage).</summary>
    public Task<GenerationRun?> EnsureRunAsync(Func<Task<GenerationRun?>> load)
    {
        lock (_gate)
        {
            return _loading ??= LoadAsync(load);
        }
    }

    private async Task<GenerationRun?> LoadAsync(Func<Task<GenerationRun?>> load)
    {
        var run = await load();
        if (run is null)
        {
            return null;
        }

        lock (_gate)
        {
            if (_pending.Length > 0)
            {
                run.Append(_pending.ToString(), DateTimeOffset.UtcNow);
                _pending.Clear();
            }

            _run = run;
        }

        return run;
    }
}
