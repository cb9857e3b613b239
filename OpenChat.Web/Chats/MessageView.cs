namespace OpenChat.Web.Chats;

/// <summary>
/// What a message looks like at one moment: stored text, or for a running reply the blocks rendered so far
/// plus the raw unfinished tail.
/// </summary>
/// <param name="RenderedHtml">Sanitised HTML of the Markdown (finished blocks while streaming).</param>
/// <param name="Tail">The unfinished text after the last finished block (streaming only), unescaped.</param>
/// <param name="IsLatestReply">Only the newest reply offers Regenerate / Retry.</param>
/// <param name="AntiforgeryToken">Set when rendering a full page, so the action forms also work without JavaScript.</param>
/// <param name="TailCodeLanguage">Set when the tail is the code of a fenced block still open (empty: no language given).</param>
public sealed record MessageView(
    ChatMessage Message,
    string RenderedHtml,
    string? Tail,
    bool IsLatestReply,
    string? AntiforgeryToken,
    string? TailCodeLanguage = null);
