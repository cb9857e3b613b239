namespace OpenChat.Web.OpenRouter;

/// <summary><c>Limits:*</c>: replies a day on the operator's key, for people who have not saved their own.</summary>
public sealed class DailyLimitOptions
{
    public const string Section = "Limits";

    public int GuestDailyReplies { get; set; } = 20;

    public int MemberDailyReplies { get; set; } = 100;
}
