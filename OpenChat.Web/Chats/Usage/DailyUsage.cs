namespace OpenChat.Web.Chats.Usage;

/// <summary>What an owner's replies used on one UTC day.</summary>
public sealed record DailyUsage(DateOnly Day, UsageTotals Totals);
