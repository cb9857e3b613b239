using System.Globalization;
using System.Text;
using OpenChat.Web.Platform;

namespace OpenChat.Web.Chats.Usage;

/// <summary>
/// The last days' usage as an inline SVG bar chart, drawn on the server: no chart library in the browser.
/// Only presentation attributes and classes (the CSP forbids style attributes); colours come from the
/// stylesheet through <c>currentColor</c>, so the chart follows light and dark themes.
/// </summary>
public static class UsageChartMarkup
{
    public const int Days = 30;

    private const int Width = 720;
    private const int Height = 200;
    private const int Left = 64;
    private const int Right = 8;
    private const int Top = 12;
    private const int Bottom = 28;

    /// <summary>The chart of the <see cref="Days"/> UTC days ending on <paramref name="today"/>; bars are cost, or tokens when nothing cost money.</summary>
    public static string Chart(IReadOnlyList<DailyUsage> days, DateOnly today)
    {
        var first = today.AddDays(-(Days - 1));
        var shown = days.Where(d => d.Day >= first && d.Day <= today).ToList();
        if (shown.Count == 0)
        {
            return "<p class=\"usage-empty settings-note\">No replies with usage in the last 30 days.</p>";
        }

        var byCost = shown.Any(d => d.Totals.CostUsd > 0m);
        var max = shown.Max(d => Metric(d.Totals, byCost));
        if (max <= 0m)
        {
            max = 1m;
        }

        var total = shown.Aggregate(UsageTotals.Zero, (sum, d) => new UsageTotals(
            sum.PromptTokens + d.Totals.PromptTokens, sum.CompletionTokens + d.Totals.CompletionTokens, sum.CostUsd + d.Totals.CostUsd, sum.Replies + d.Totals.Replies));
        var plotWidth = Width - Left - Right;
        var plotHeight = Height - Top - Bottom;
        var slot = (double)plotWidth / Days;
        var barWidth = Math.Max(2, slot * 0.7);
        var builder = new StringBuilder(1200 + shown.Count * 240);
        builder.Append("<figure class=\"usage-figure\">")
            .Append("<svg class=\"usage-chart\" viewBox=\"0 0 ").Append(Width).Append(' ').Append(Height)
            .Append("\" width=\"100%\" preserveAspectRatio=\"xMidYMid meet\" role=\"img\" aria-labelledby=\"usage-chart-title\" xmlns=\"http://www.w3.org/2000/svg\">")
            .Append("<title id=\"usage-chart-title\">").Append(byCost ? "Cost" : "Tokens").Append(" per day, last 30 days (UTC)</title>");

        // Axes: the baseline and the top gridline with its value.
        var baseline = Top + plotHeight;
        builder.Append("<line class=\"usage-axis\" x1=\"").Append(Left).Append("\" y1=\"").Append(baseline)
            .Append("\" x2=\"").Append(Width - Right).Append("\" y2=\"").Append(baseline).Append("\"/>")
            .Append("<line class=\"usage-grid\" x1=\"").Append(Left).Append("\" y1=\"").Append(Top)
            .Append("\" x2=\"").Append(Width - Right).Append("\" y2=\"").Append(Top).Append("\"/>")
            .Append("<text class=\"usage-label\" x=\"").Append(Left - 6).Append("\" y=\"").Append(Top + 4).Append("\" text-anchor=\"end\">")
            .Append(Html.Encode(byCost ? UsageFormat.Dollars(max) : TokenCount(max))).Append("</text>")
            .Append("<text class=\"usage-label\" x=\"").Append(Left - 6).Append("\" y=\"").Append(baseline + 4).Append("\" text-anchor=\"end\">")
            .Append(byCost ? "$0" : "0").Append("</text>");

        foreach (var (index, anchor) in new[] { (0, "start"), (Days / 2, "middle"), (Days - 1, "end") })
        {
            var x = index switch
            {
                0 => Left,
                Days - 1 => Width - Right,
                _ => Left + (slot * index) + (slot / 2),
            };
            builder.Append("<text class=\"usage-label\" x=\"").Append(Number(x)).Append("\" y=\"").Append(Height - 8)
                .Append("\" text-anchor=\"").Append(anchor).Append("\">").Append(DayLabel(first.AddDays(index))).Append("</text>");
        }

        foreach (var day in shown)
        {
            var index = day.Day.DayNumber - first.DayNumber;
            var value = Metric(day.Totals, byCost);
            var height = Math.Max(1.0, (double)(value / max) * plotHeight);
            var x = Left + (slot * index) + ((slot - barWidth) / 2);
            builder.Append("<rect class=\"usage-bar\" data-day=\"").Append(day.Day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture))
                .Append("\" x=\"").Append(Number(x)).Append("\" y=\"").Append(Number(baseline - height))
                .Append("\" width=\"").Append(Number(barWidth)).Append("\" height=\"").Append(Number(height)).Append("\" rx=\"2\">")
                .Append("<title>").Append(DayLabel(day.Day)).Append(": ").Append(Html.Encode(day.Totals.Describe()))
                .Append(day.Totals.Replies == 1 ? " (1 reply)" : $" ({day.Totals.Replies} replies)").Append("</title></rect>");
        }

        builder.Append("</svg><figcaption class=\"settings-note\">Last 30 days: ").Append(Html.Encode(total.Describe()))
            .Append(total.Replies == 1 ? ", 1 reply" : $", {total.Replies.ToString("N0", CultureInfo.InvariantCulture)} replies").Append(".</figcaption></figure>");
        return builder.ToString();
    }

    private static decimal Metric(UsageTotals totals, bool byCost) =>
        byCost ? totals.CostUsd : totals.PromptTokens + totals.CompletionTokens;

    private static string TokenCount(decimal tokens) => tokens.ToString("N0", CultureInfo.InvariantCulture);

    private static string DayLabel(DateOnly day) => day.ToString("d MMM", CultureInfo.InvariantCulture);

    private static string Number(double value) => value.ToString("0.##", CultureInfo.InvariantCulture);
}
