using OpenChat.Web.Chats;
using OpenChat.Web.Chats.Usage;

namespace OpenChat.Web.Storage.Files;

/// <summary>
/// Usage sums read from the message files. Message file names start with their creation ticks, so the
/// 30-day report opens only the files of those days.
/// </summary>
public sealed class FileUsageReport(FileStore store) : IUsageReport
{
    public async Task<UsageTotals> ChatTotalAsync(string ownerId, Guid chatId, CancellationToken cancellationToken)
    {
        var total = UsageTotals.Zero;
        foreach (var path in FileMessageFiles.Of(store, ownerId, chatId))
        {
            var message = await FileStore.ReadAsync<ChatMessage>(path, cancellationToken);
            if (message is { Role: MessageRole.Assistant, Usage: { } usage })
            {
                total = total.Add(usage);
            }
        }

        return total;
    }

    public async Task<IReadOnlyList<DailyUsage>> DailyAsync(string ownerId, DateOnly firstDay, DateOnly lastDay, CancellationToken cancellationToken)
    {
        var start = firstDay.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc).Ticks;
        var end = lastDay.AddDays(1).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc).Ticks;
        var days = new SortedDictionary<DateOnly, UsageTotals>();
        foreach (var chatId in FileMessageFiles.ChatsOf(store, ownerId))
        {
            foreach (var path in FileMessageFiles.Of(store, ownerId, chatId))
            {
                if (FileMessageFiles.Ticks(path) is not { } ticks || ticks < start || ticks >= end)
                {
                    continue;
                }

                var message = await FileStore.ReadAsync<ChatMessage>(path, cancellationToken);
                if (message is { Role: MessageRole.Assistant, Usage: { } usage })
                {
                    var day = DateOnly.FromDateTime(message.CreatedAt.UtcDateTime);
                    days[day] = days.GetValueOrDefault(day, UsageTotals.Zero).Add(usage);
                }
            }
        }

        return days.Select(d => new DailyUsage(d.Key, d.Value)).ToList();
    }
}
