namespace OpenChat.Web.Platform;

/// <summary>The sentence the error page shows for an answer decided before any page ran (a 413, a 429).</summary>
public static class StatusMessage
{
    private const string ItemKey = "openchat.status.message";

    public static void SetStatusMessage(this HttpContext context, string message) => context.Items[ItemKey] = message;

    public static string? FindStatusMessage(this HttpContext context) => context.Items[ItemKey] as string;
}
