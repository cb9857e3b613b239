using OpenChat.Web.Chats;
using OpenChat.Web.Chats.Usage;

namespace OpenChat.Web.Tests.Storage;

/// <summary>What every <see cref="IUsageReport"/> must do (<see cref="FileUsageReportTests"/>, <see cref="PostgresUsageReportTests"/>).</summary>
public abstract class UsageReportContract
{
    protected abstract IChatRepository Repository { get; }

    protected abstract IUsageReport Report { get; }

    private static string NewOwner() => "guest_" + Guid.NewGuid().ToString("N");

    private async Task<Chat> NewChatAsync(string owner, DateTimeOffset at)
    {
        var chat = new Chat(Guid.CreateVersion7(at), owner, "Usage", false, null, at, at, at);
        await Repository.CreateChatAsync(chat, default);
        return chat;
    }

    private async Task AddAsync(string owner, Guid chatId, DateTimeOffset at, MessageRole role, MessageUsage? usage)
    {
        var message = new ChatMessage(Guid.CreateVersion7(at), chatId, role, "text", MessageStatus.Complete, null, usage, null, at, at);
        Assert.True(await Repository.AddMessageAsync(owner, message, default));
    }

    [Fact]
    public async Task A_chat_total_adds_up_its_replies_usage_for_its_owner_only()
    {
        var owner = NewOwner();
        var at = new DateTimeOffset(2026, 11, 1, 10, 0, 0, TimeSpan.Zero);
        var chat = await NewChatAsync(owner, at);
        await AddAsync(owner, chat.Id, at.AddSeconds(1), MessageRole.User, null);
        await AddAsync(owner, chat.Id, at.AddSeconds(2), MessageRole.Assistant, new MessageUsage(100, 20, 0.0012m));
        await AddAsync(owner, chat.Id, at.AddSeconds(3), MessageRole.Assistant, new MessageUsage(1200, 350, 0.0100m));
        await AddAsync(owner, chat.Id, at.AddSeconds(4), MessageRole.Assistant, null);

        Assert.Equal(new UsageTotals(1300, 370, 0.0112m, 2), await Report.ChatTotalAsync(owner, chat.Id, default));
        Assert.Equal(UsageTotals.Zero, await Report.ChatTotalAsync(NewOwner(), chat.Id, default));
    }

    [Fact]
    public async Task Daily_usage_is_grouped_by_utc_day_within_the_range_oldest_first()
    {
        var owner = NewOwner();
        var day1 = new DateTimeOffset(2026, 11, 10, 23, 59, 0, TimeSpan.Zero);
        var chat = await NewChatAsync(owner, day1.AddDays(-5));
        var other = await NewChatAsync(owner, day1.AddDays(-5));
        await AddAsync(owner, chat.Id, day1.AddDays(-3), MessageRole.Assistant, new MessageUsage(5, 5, 1m)); // before the range
        await AddAsync(owner, chat.Id, day1, MessageRole.Assistant, new MessageUsage(10, 1, 0.5m));
        await AddAsync(owner, other.Id, day1.AddSeconds(90), MessageRole.Assistant, new MessageUsage(20, 2, 0.25m)); // 00:00:30 the next day
        await AddAsync(owner, other.Id, day1.AddMinutes(3), MessageRole.Assistant, new MessageUsage(30, 3, 0.125m));
        await AddAsync(owner, chat.Id, day1.AddDays(2), MessageRole.Assistant, new MessageUsage(40, 4, null));
        await AddAsync(owner, chat.Id, day1.AddDays(2).AddSeconds(1), MessageRole.User, null);

        var days = await Report.DailyAsync(owner, new DateOnly(2026, 11, 9), new DateOnly(2026, 11, 12), default);

        Assert.Equal(
            [
                new DailyUsage(new DateOnly(2026, 11, 10), new UsageTotals(10, 1, 0.5m, 1)),
                new DailyUsage(new DateOnly(2026, 11, 11), new UsageTotals(50, 5, 0.375m, 2)),
                new DailyUsage(new DateOnly(2026, 11, 12), new UsageTotals(40, 4, 0m, 1)),
            ],
            days);
        Assert.Empty(await Report.DailyAsync(NewOwner(), new DateOnly(2026, 11, 9), new DateOnly(2026, 11, 12), default));
    }
}
