namespace OpenChat.Web.Pages;

/// <summary>The "Add your OpenRouter API key" dialog: why it opened, the last error, and whether a key already exists.</summary>
/// <param name="Reason">Shown first, for example that today's free replies are used up.</param>
/// <param name="HasKey">With a key already saved the dialog is dismissable with Escape.</param>
/// <param name="SendsAfterSave">Opened by a send: a saved key sends the message waiting in the composer.</param>
public sealed record KeyDialogView(string? Reason, string? Error, bool HasKey, bool SendsAfterSave = false);
