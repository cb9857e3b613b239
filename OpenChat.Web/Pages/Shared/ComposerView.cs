namespace OpenChat.Web.Pages;

/// <summary>
/// The composer: where it posts, whether a reply is streaming (Send becomes Stop), and, when no OpenRouter key
/// would pay for a reply, an invitation to add one (sending then opens the key dialog).
/// </summary>
public sealed record ComposerView(
    string Action,
    Guid? ChatId,
    Guid? StreamingReplyId,
    string? KeyPrompt,
    string? Error = null,
    string? Text = null);
