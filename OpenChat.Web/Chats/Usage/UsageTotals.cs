using System.Globalization;

namespace OpenChat.Web.Chats.Usage;

/// <summary>Tokens in and out, and cost in USD, added up over some replies.</summary>
public sealed record UsageTotals(long PromptTokens, long CompletionTokens, decimal CostUsd, int Replies)
{
    public static UsageTotals Zero { get; } = new(0, 0, 0m, 0);

    public UsageTotals Add(MessageUsage usage) => new(
        PromptTokens + (usage.PromptTokens ?? 0),
        CompletionTokens + (usage.CompletionTokens ?? 0),
        CostUsd + (usage.CostUsd ?? 0m),
        Replies + 1);

    /// <summary>"1,234 in · 567 out · $0.0012".</summary>
    public string Describe() => UsageFormat.Line(PromptTokens, CompletionTokens, CostUsd);
}

/// <summary>How tokens and money are written everywhere: grouped thousands, dollars to at most 6 decimals.</summary>
public static class UsageFormat
{
    public static string Line(long? promptTokens, long? completionTokens, decimal? costUsd)
    {
        var parts = new List<string>(3);
        if (promptTokens is { } input && completionTokens is { } output)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"{input:N0} in"));
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"{output:N0} out"));
        }

        if (costUsd is { } cost)
        {
            parts.Add(Dollars(cost));
        }

        return string.Join(" · ", parts);
    }

    /// <summary>"$0.0012", "$1,234.50", "$0".</summary>
    public static string Dollars(decimal amount) =>
        "$" + amount.ToString(amount >= 1m ? "#,0.00" : "0.######", CultureInfo.InvariantCulture);
}
