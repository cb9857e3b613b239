namespace OpenChat.Web.OpenRouter;

/// <summary>
/// <c>Limits:*</c>: what the operator's key pays for, for people who have not saved their own. Days are UTC days
/// (everything resets at 00:00 UTC); counts and spend come from the reply ledger in storage, so they hold across
/// instances on Postgres.
/// </summary>
public sealed class DailyLimitOptions
{
    public const string Section = "Limits";

    /// <summary>"Cheap", when <see cref="OperatorModels"/> is empty: at most this many USD per million input tokens...</summary>
    public const decimal CheapInputUsdPerMillion = 0.50m;

    /// <summary>...and at most this many per million output tokens, in OpenRouter's catalogue.</summary>
    public const decimal CheapOutputUsdPerMillion = 1.50m;

    public int GuestDailyReplies { get; set; } = 20;

    public int MemberDailyReplies { get; set; } = 100;

    /// <summary>All guests from one client address together (a farm of fresh guests gets one guest's allowance).</summary>
    public int GuestDailyRepliesPerAddress { get; set; } = 20;

    /// <summary>Everyone (guests and members) from one client address together.</summary>
    public int DailyRepliesPerAddress { get; set; } = 200;

    /// <summary>The models the operator key may use (OpenRouter ids); empty = free and cheap ones (see <see cref="CheapInputUsdPerMillion"/>).</summary>
    public List<string> OperatorModels { get; set; } = [];

    /// <summary>What the operator key may spend a day, in USD (from the cost OpenRouter reports for each reply); 0 = no cap.</summary>
    public decimal OperatorDailyBudgetUsd { get; set; } = 5m;
}
