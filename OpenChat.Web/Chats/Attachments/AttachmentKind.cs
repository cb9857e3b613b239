namespace OpenChat.Web.Chats.Attachments;

/// <summary>What a file is, decided from its bytes: how it is shown and how it goes upstream.</summary>
public enum AttachmentKind
{
    /// <summary>PNG, JPEG, WebP or GIF: an <c>image_url</c> part, for models with image input.</summary>
    Image,

    /// <summary>A PDF: a <c>file</c> part, for models with file input.</summary>
    Pdf,

    /// <summary>UTF-8 text without NUL bytes (plain text, Markdown, CSV, JSON, source code): inlined as a fenced block.</summary>
    Text,
}
