using System.Globalization;

namespace OpenChat.Web.OpenRouter;

/// <summary>
/// The line under the composer for someone on the operator's key: "14 of 20 free replies left today · resets at
/// 00:00 UTC", and for guests how many a day signing up gives. Also sent out of band after each send.
/// </summary>
public static class FreeRepliesMarkup
{
    public const string ElementId = "free-replies";

    /// <returns>The paragraph (empty, but present, when the operator key does not pay for this person).</returns>
    public static string Html(FreeReplies? free, bool outOfBand = false)
    {
        var oob = outOfBand ? " hx-swap-oob=\"true\"" : "";
        if (free is null)
        {
            return $"<p id=\"{ElementId}\" class=\"composer-hint free-replies\"{oob} hidden></p>";
        }

        var count = free.Left == 0
            ? "No free replies left today"
            : string.Create(CultureInfo.InvariantCulture, $"{free.Left} of {free.Limit} free {(free.Limit == 1 ? "reply" : "replies")} left today");
        var signUp = free.IsGuest && free.MemberLimit > free.Limit
            ? string.Create(CultureInfo.InvariantCulture, $" · <a href=\"/account/sign-up\">Sign up</a> for {free.MemberLimit} a day")
            : "";
        return $"<p id=\"{ElementId}\" class=\"composer-hint free-replies\"{oob}>{count} · resets at 00:00 UTC{signUp}</p>";
    }
}
