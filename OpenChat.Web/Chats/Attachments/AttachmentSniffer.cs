using System.Text;

namespace OpenChat.Web.Chats.Attachments;

/// <summary>
/// Decides what a file is from its first bytes, never from its name or the type the browser claims:
/// PNG, JPEG, GIF, WebP, PDF, or UTF-8 text without NUL bytes. Anything else (executables, archives,
/// SVG is text but is never served inline) is not accepted as an image or document.
/// </summary>
public static class AttachmentSniffer
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <returns>The kind and media type, or null when the bytes are none of the accepted types.</returns>
    public static (AttachmentKind Kind, string MediaType)? Sniff(ReadOnlySpan<byte> bytes, string fileName)
    {
        if (bytes.StartsWith((ReadOnlySpan<byte>)[0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]))
        {
            return (AttachmentKind.Image, "image/png");
        }

        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xD8, 0xFF]))
        {
            return (AttachmentKind.Image, "image/jpeg");
        }

        if (bytes.StartsWith("GIF87a"u8) || bytes.StartsWith("GIF89a"u8))
        {
            return (AttachmentKind.Image, "image/gif");
        }

        if (bytes.Length >= 12 && bytes.StartsWith("RIFF"u8) && bytes[8..12].SequenceEqual("WEBP"u8))
        {
            return (AttachmentKind.Image, "image/webp");
        }

        if (bytes.StartsWith("%PDF-"u8))
        {
            return (AttachmentKind.Pdf, "application/pdf");
        }

        return IsText(bytes) ? (AttachmentKind.Text, TextMediaType(fileName)) : null;
    }

    /// <summary>UTF-8 (a BOM is fine) with no NUL byte anywhere.</summary>
    public static bool IsText(ReadOnlySpan<byte> bytes)
    {
        if (bytes.IsEmpty || bytes.Contains((byte)0))
        {
            return false;
        }

        try
        {
            StrictUtf8.GetCharCount(bytes);
            return true;
        }
        catch (DecoderFallbackException)
        {
            return false;
        }
    }

    /// <summary>The text is text whatever the name says; the name only picks which kind of text it is shown as.</summary>
    private static string TextMediaType(string fileName) => Path.GetExtension(fileName).ToLowerInvariant() switch
    {
        ".md" or ".markdown" => "text/markdown",
        ".csv" => "text/csv",
        ".json" => "application/json",
        _ => "text/plain",
    };
}
