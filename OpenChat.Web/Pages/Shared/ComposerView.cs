namespace OpenChat.Web.Pages;

/// <summary>
/// The composer: where it posts, whether a reply is streaming (Send becomes Stop), when no OpenRouter key
/// would pay for a reply an invitation to add one (sending then opens the key dialog), and the model picker
/// button (null: none shown).
/// </summary>
public sealed record ComposerView(
    string Action,
    Guid? ChatId,
    Guid? StreamingReplyId,
    string? KeyPrompt,
    string? Error = null,
    string? Text = null,
    OpenChat.Web.OpenRouter.ModelButtonView? ModelButton = null)
{
    /// <summary>Free replies left on the operator's key (null: this person's own key pays, or there is no operator key).</summary>
    public OpenChat.Web.OpenRouter.FreeReplies? FreeReplies { get; init; }

    /// <summary>What the composer says when no key would pay for a reply.</summary>
    public const string AddKeyPrompt = "Add your OpenRouter API key to start chatting.";

    /// <summary>The client event (an <c>HX-Trigger</c>) with which a send's answer empties the composer: only the server knows it went.</summary>
    public const string ResetEvent = "composer-reset";
}
