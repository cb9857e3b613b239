namespace OpenChat.Web.OpenRouter;

/// <summary>Whose key pays for a reply: the owner's own, or the operator's (with daily limits).</summary>
public enum KeySource
{
    User,
    Operator,
}

public static class KeySourceNames
{
    /// <summary>The name in storage and in telemetry's <c>key_source</c>.</summary>
    public static string ToWireName(this KeySource source) => source == KeySource.User ? "user" : "operator";
}
