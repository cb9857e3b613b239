namespace OpenChat.Web.Chats;

/// <summary>A conversation owned by one member or guest.</summary>
/// <param name="TitleIsCustom">True once the owner renamed it; the automatic title no longer applies.</param>
/// <param name="LastMessageAt">Most recent activity; the chat list is ordered by it.</param>
public sealed record Chat(
    Guid Id,
    string OwnerId,
    string Title,
    bool TitleIsCustom,
    string? ModelId,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset LastMessageAt)
{
    public const int MaxTitleLength = 120;
    public const string DefaultTitle = "New chat";
}
