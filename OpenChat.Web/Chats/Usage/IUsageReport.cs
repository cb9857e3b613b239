namespace OpenChat.Web.Chats.Usage;

/// <summary>Sums of replies' tokens and cost, always scoped to one owner.</summary>
public interface IUsageReport
{
    /// <summary>Everything the chat's replies used so far (zero when the owner has no such chat).</summary>
    Task<UsageTotals> ChatTotalAsync(string ownerId, Guid chatId, CancellationToken cancellationToken);

    /// <summary>One entry per UTC day from <paramref name="firstDay"/> to <paramref name="lastDay"/> (inclusive) on which a reply used something, oldest first.</summary>
    Task<IReadOnlyList<DailyUsage>> DailyAsync(string ownerId, DateOnly firstDay, DateOnly lastDay, CancellationToken cancellationToken);
}
