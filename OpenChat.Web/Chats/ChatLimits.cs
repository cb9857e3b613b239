namespace OpenChat.Web.Chats;

public static class ChatLimits
{
    /// <summary>Longest message accepted (the original cut silently at 8,000; we refuse clearly instead).</summary>
    public const int MaxMessageCharacters = 32_000;

    /// <summary>The composer shows its character counter from this length on.</summary>
    public const int CountFromCharacters = 30_000;

    /// <summary>Chats in a sidebar page and messages in a thread page.</summary>
    public const int PageSize = 50;
}
