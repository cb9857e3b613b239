namespace OpenChat.Web.Tests.Infrastructure;

/// <summary>
/// "Something changed" for WaitFor* helpers: a waiter takes <see cref="NextAsync"/> before it checks its condition,
/// and <see cref="Pulse"/> completes every task handed out so far. No polling, no sleeping.
/// </summary>
internal sealed class AsyncSignal
{
    private readonly Lock _gate = new();
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task NextAsync()
    {
        lock (_gate)
        {
            return _next.Task;
        }
    }

    public void Pulse()
    {
        TaskCompletionSource current;
        lock (_gate)
        {
            current = _next;
            _next = new(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        current.TrySetResult();
    }

    /// <summary>Returns the first item of <paramref name="snapshot"/> matching <paramref name="match"/>, waiting for pulses until <paramref name="timeout"/>.</summary>
    public async Task<T> WaitForAsync<T>(Func<IReadOnlyList<T>> snapshot, Func<T, bool> match, TimeSpan timeout, Func<string> describeOnTimeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        while (true)
        {
            var changed = NextAsync();
            foreach (var item in snapshot())
            {
                if (match(item))
                {
                    return item;
                }
            }

            try
            {
                await changed.WaitAsync(cts.Token);
            }
            catch (OperationCanceledException) when (cts.IsCancellationRequested)
            {
                throw new TimeoutException($"Nothing matched within {timeout.TotalSeconds:0.###} s. {describeOnTimeout()}");
            }
        }
    }
}
