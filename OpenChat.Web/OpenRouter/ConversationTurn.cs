using OpenChat.Web.Chats;
using OpenChat.Web.Chats.Attachments;

namespace OpenChat.Web.OpenRouter;

/// <summary>A message of the conversation as sent upstream, with the files that go with it.</summary>
/// <param name="Attachments">Sent as parts (images, PDFs) or inlined (text); empty for most turns.</param>
/// <param name="Omitted">Files that do not go upstream (this model cannot read them, or older ones over the size budget): named only.</param>
public readonly record struct ConversationTurn(MessageRole Role, string Content)
{
    public IReadOnlyList<StoredAttachment> Attachments { get; init; } = [];

    public IReadOnlyList<ChatAttachment> Omitted { get; init; } = [];
}
