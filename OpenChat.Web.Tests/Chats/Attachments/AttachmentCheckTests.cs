using System.Text;
using OpenChat.Web.Chats.Attachments;
using OpenChat.Web.OpenRouter;
using OpenChat.Web.Tests.Infrastructure;

namespace OpenChat.Web.Tests.Chats.Attachments;

[Trait("Category", TestCategories.Unit)]
public sealed class AttachmentCheckTests
{
    private static readonly ModelInputs Vision = new("GPT-4o-mini", Images: true, Files: false, Known: true);
    private static readonly ModelInputs TextOnly = new("Llama 3.3 70B Instruct", Images: false, Files: false, Known: true);

    [Theory]
    [InlineData(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0 }, "x.txt", "image/png")]
    [InlineData(new byte[] { 0xFF, 0xD8, 0xFF, 0xE0, 0 }, "x", "image/jpeg")]
    [InlineData(new byte[] { 0x47, 0x49, 0x46, 0x38, 0x39, 0x61, 0 }, "x.png", "image/gif")]
    [InlineData(new byte[] { 0x52, 0x49, 0x46, 0x46, 1, 2, 3, 4, 0x57, 0x45, 0x42, 0x50, 0 }, "x.bin", "image/webp")]
    [InlineData(new byte[] { 0x25, 0x50, 0x44, 0x46, 0x2D, 0x31 }, "x.exe", "application/pdf")]
    [InlineData(new byte[] { 0x68, 0x69, 0x0A }, "notes.md", "text/markdown")]
    [InlineData(new byte[] { 0x61, 0x2C, 0x62, 0x0A }, "t.csv", "text/csv")]
    [InlineData(new byte[] { 0xEF, 0xBB, 0xBF, 0xC3, 0xA9, 0x0A }, "accents.py", "text/plain")]
    public void The_bytes_decide_the_type_and_the_name_only_which_text(byte[] bytes, string name, string expected)
    {
        Assert.Equal(expected, AttachmentSniffer.Sniff(bytes, name)?.MediaType);
    }

    [Theory]
    [InlineData(new byte[] { 0x4D, 0x5A, 0x90, 0x00, 0x03 })] // a Windows executable
    [InlineData(new byte[] { 0x7F, 0x45, 0x4C, 0x46, 0x02, 0x01, 0x01, 0x00 })] // ELF
    [InlineData(new byte[] { 0x50, 0x4B, 0x03, 0x04, 0x14, 0x00 })] // zip
    [InlineData(new byte[] { 0xC3, 0x28, 0x41 })] // invalid UTF-8
    [InlineData(new byte[0])]
    public void Anything_else_is_refused(byte[] bytes)
    {
        Assert.Null(AttachmentSniffer.Sniff(bytes, "photo.png"));
    }

    [Fact]
    public void At_most_four_files()
    {
        var files = Enumerable.Range(0, 5).Select(i => new UploadedFile($"{i}.txt", Encoding.UTF8.GetBytes("hi"))).ToList();

        var (_, refusal) = AttachmentCheck.Check(files, Vision);

        Assert.Equal("count", refusal!.Reason);
        Assert.Equal(422, refusal.Error.StatusCode);
        Assert.Contains("at most 4 files", refusal.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Five_megabytes_is_allowed_one_byte_more_is_not()
    {
        var exactly = new byte[AttachmentLimits.MaxFileBytes];
        AttachmentSamples.Png.CopyTo(exactly, 0);
        var over = new byte[AttachmentLimits.MaxFileBytes + 1];
        AttachmentSamples.Png.CopyTo(over, 0);

        Assert.Null(AttachmentCheck.Check([new UploadedFile("a.png", exactly)], Vision).Refusal);
        var refusal = AttachmentCheck.Check([new UploadedFile("b.png", over)], Vision).Refusal!;
        Assert.Equal(("too_large", 413, AttachmentLimits.MaxFileBytes), (refusal.Reason, refusal.Error.StatusCode, refusal.LimitBytes));
        Assert.Contains("“b.png”", refusal.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Ten_megabytes_per_message()
    {
        var big = new byte[4 * 1024 * 1024];
        AttachmentSamples.Png.CopyTo(big, 0);

        var refusal = AttachmentCheck.Check([new UploadedFile("1.png", big), new UploadedFile("2.png", big), new UploadedFile("3.png", big)], Vision).Refusal!;

        Assert.Equal(("too_large", AttachmentLimits.MaxMessageBytes), (refusal.Reason, refusal.LimitBytes));
        Assert.Contains("at most 10 MB", refusal.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_model_without_image_or_file_input_is_refused_with_its_name()
    {
        var image = AttachmentCheck.Check([new UploadedFile("cat.png", AttachmentSamples.Png)], TextOnly).Refusal!;
        var pdf = AttachmentCheck.Check([new UploadedFile("report.pdf", AttachmentSamples.Pdf)], Vision).Refusal!;

        Assert.Equal("Llama 3.3 70B Instruct cannot read images, so “cat.png” cannot be sent to it. Choose a model with image input, or remove the file.", image.Error.Message);
        Assert.Equal(("type", "application/pdf"), (pdf.Reason, pdf.FileMime));
        Assert.Contains("GPT-4o-mini cannot read PDFs", pdf.Error.Message, StringComparison.Ordinal);
        Assert.Null(AttachmentCheck.Check([new UploadedFile("notes.md", AttachmentSamples.Markdown)], TextOnly).Refusal);
    }

    [Theory]
    [InlineData("C:\\Users\\me\\photo.png", "photo.png")]
    [InlineData("../../etc/passwd", "passwd")]
    [InlineData("a\"b\r\n.txt", "ab.txt")]
    [InlineData("", "file")]
    public void File_names_are_cleaned(string raw, string expected)
    {
        Assert.Equal(expected, AttachmentCheck.CleanName(raw));
    }
}
