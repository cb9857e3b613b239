using Deque.AxeCore.Playwright;
using Microsoft.Playwright;

namespace OpenChat.Web.Tests.Infrastructure;

/// <summary>The accessibility bar every page meets: axe-core finds no serious or critical violation.</summary>
public static class Accessibility
{
    public static async Task AssertNoSeriousViolationsAsync(IPage page)
    {
        var result = await page.RunAxe();
        var blocking = result.Violations
            .Where(v => v.Impact is "serious" or "critical")
            .Select(v => $"{v.Id} ({v.Impact}): {v.Help} — {string.Join("; ", v.Nodes.Select(n => n.Html))}")
            .ToList();
        Assert.True(blocking.Count == 0, string.Join(Environment.NewLine, blocking));
    }
}
