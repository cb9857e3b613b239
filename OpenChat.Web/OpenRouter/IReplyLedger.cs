using OpenChat.Web.OpenRouter;

namespace OpenChat.Web.OpenRouter;

/// <summary>One entry per reply started; daily limits on the operator's key are counted from it.</summary>
public interface IReplyLedger
{
    Task RecordAsync(string ownerId, KeySource source, DateTimeOffset at, CancellationToken cancellationToken);

    Task<int> CountSinceAsync(string ownerId, KeySource source, DateTimeOffset since, CancellationToken cancellationToken);
}
