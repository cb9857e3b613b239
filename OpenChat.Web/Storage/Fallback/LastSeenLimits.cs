namespace OpenChat.Web.Storage.Fallback;

/// <summary>How many owners' members, preferences and keys each fallback remembers for the outage view.</summary>
public static class LastSeenLimits
{
    public const int Owners = 50_000;
}
