namespace OpenChat.Web.Storage.Fallback;

/// <summary>
/// For the fallback decorators that only forward: the same call on Postgres's implementation while the breaker is
/// closed, else (and when Postgres fails as an outage) on the spool's.
/// </summary>
public sealed class Failover<TStore>(TStore postgres, TStore spool, PostgresBreaker breaker)
{
    public Task<TResult> RunAsync<TResult>(Func<TStore, Task<TResult>> call, CancellationToken cancellationToken) =>
        breaker.RunAsync(() => call(postgres), () => call(spool), cancellationToken);

    public Task RunAsync(Func<TStore, Task> call, CancellationToken cancellationToken) =>
        breaker.RunAsync(
            async () =>
            {
                await call(postgres);
                return true;
            },
            async () =>
            {
                await call(spool);
                return true;
            },
            cancellationToken);
}
