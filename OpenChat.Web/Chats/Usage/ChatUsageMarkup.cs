using OpenChat.Web.Platform;

namespace OpenChat.Web.Chats.Usage;

/// <summary>The chat's running total in the thread header (an out-of-band swap refreshes it when a reply ends).</summary>
public static class ChatUsageMarkup
{
    public const string Id = "chat-usage";

    public static string Total(UsageTotals totals, bool oob = false)
    {
        var swap = oob ? " hx-swap-oob=\"true\"" : string.Empty;
        if (totals.Replies == 0)
        {
            return $"<p id=\"{Id}\" class=\"thread-usage\"{swap} hidden></p>";
        }

        return $"<p id=\"{Id}\" class=\"thread-usage\"{swap}><span class=\"visually-hidden\">This chat so far: </span>{Html.Encode(totals.Describe())}</p>";
    }
}
