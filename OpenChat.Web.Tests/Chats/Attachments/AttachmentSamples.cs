using System.Text;

namespace OpenChat.Web.Tests.Chats.Attachments;

/// <summary>Files for attachment tests: real headers, small sizes.</summary>
public static class AttachmentSamples
{
    /// <summary>A 48 × 32 blue PNG.</summary>
    public static byte[] Png { get; } = Convert.FromBase64String(
        "iVBORw0KGgoAAAANSUhEUgAAADAAAAAgCAIAAADbtmxLAAAAN0lEQVR4nO3OQQ0AMAgEMMygDPkzMRccjyYV0Op5p1R8ICQkJJQeCAkJCaUHQkJCQumBkJDQsg8sI7J53MuNmgAAAABJRU5ErkJggg==");

    public static byte[] Pdf { get; } = Encoding.ASCII.GetBytes(
        "%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n");

    /// <summary>The start of a Windows executable ("MZ", then NUL bytes), to be named like an image.</summary>
    public static byte[] Executable { get; } = [.. "MZ"u8, 0x90, 0x00, 0x03, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0xFF, 0xFF, 0x00, 0x00, .. new byte[200]];

    public static byte[] Markdown { get; } = Encoding.UTF8.GetBytes("# Notes\n\nUse ```code``` fences.\n");

    /// <summary>A PNG header followed by zeros: 6 MB, over the 5 MB limit.</summary>
    public static byte[] SixMegabytes()
    {
        var bytes = new byte[6 * 1024 * 1024];
        Png.AsSpan(0, 16).CopyTo(bytes);
        return bytes;
    }
}
