namespace OpenChat.Web.Pages;

/// <summary>
/// The composer: where it posts, whether a reply is streaming (Send becomes Stop), and why it is disabled
/// when it is (for example no OpenRouter key yet), and the model picker button (null: none shown).
/// </summary>
public sealed record ComposerView(
    string Action,
    Guid? ChatId,
    Guid? StreamingReplyId,
    string? DisabledReason,
    string? Error = null,
    string? Text = null,
    OpenChat.Web.OpenRouter.ModelButtonView? ModelButton = null);
