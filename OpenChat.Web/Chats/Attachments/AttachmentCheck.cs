using System.Globalization;
using OpenChat.Web.OpenRouter;

namespace OpenChat.Web.Chats.Attachments;

/// <summary>
/// The server's checks of a send's files, in the order a person can fix them: how many, how big, what they
/// are, and whether the chat's model can read them. The browser runs the same checks before uploading.
/// </summary>
public static class AttachmentCheck
{
    public const string Accepted = "Images (PNG, JPEG, WebP, GIF), PDFs and text files (plain text, Markdown, CSV, JSON, source code)";

    public static (IReadOnlyList<CheckedFile> Files, AttachmentRefusal? Refusal) Check(IReadOnlyList<UploadedFile> files, ModelInputs model)
    {
        if (files.Count > AttachmentLimits.MaxFiles)
        {
            return ([], new AttachmentRefusal(
                new ChatError(StatusCodes.Status422UnprocessableEntity, $"You can attach at most {AttachmentLimits.MaxFiles} files to a message; remove {files.Count - AttachmentLimits.MaxFiles}."),
                "count", null, files.Sum(f => (long)f.Content.Length), AttachmentLimits.MaxFiles));
        }

        var checkedFiles = new List<CheckedFile>(files.Count);
        foreach (var file in files)
        {
            var name = CleanName(file.FileName);
            if (file.Content.LongLength > AttachmentLimits.MaxFileBytes)
            {
                return ([], new AttachmentRefusal(
                    new ChatError(StatusCodes.Status413PayloadTooLarge, $"“{name}” is {Size(file.Content.LongLength)}; each file can be at most 5 MB."),
                    "too_large", null, file.Content.LongLength, AttachmentLimits.MaxFileBytes));
            }

            if (AttachmentSniffer.Sniff(file.Content, name) is not { } sniffed)
            {
                return ([], new AttachmentRefusal(
                    new ChatError(StatusCodes.Status422UnprocessableEntity, $"“{name}” is not a file OpenChat can send. {Accepted} can be attached."),
                    "type", "application/octet-stream", file.Content.LongLength, AttachmentLimits.MaxFileBytes));
            }

            var unreadable = sniffed.Kind switch
            {
                AttachmentKind.Image when !model.Images => "images",
                AttachmentKind.Pdf when !model.Files => "PDFs",
                _ => null,
            };
            if (unreadable is not null)
            {
                var message = model.Known
                    ? $"{model.Name} cannot read {unreadable}, so “{name}” cannot be sent to it. Choose a model with {(sniffed.Kind == AttachmentKind.Image ? "image" : "file")} input, or remove the file."
                    : $"OpenChat cannot check right now whether {model.Name} reads {unreadable}. Try again in a minute, or remove “{name}”.";
                return ([], new AttachmentRefusal(new ChatError(StatusCodes.Status422UnprocessableEntity, message),
                    "type", sniffed.MediaType, file.Content.LongLength, AttachmentLimits.MaxFileBytes));
            }

            checkedFiles.Add(new CheckedFile(name, file.Content, sniffed.Kind, sniffed.MediaType));
        }

        var total = files.Sum(f => f.Content.LongLength);
        if (total > AttachmentLimits.MaxMessageBytes)
        {
            return ([], new AttachmentRefusal(
                new ChatError(StatusCodes.Status413PayloadTooLarge, $"These files add up to {Size(total)}; a message can carry at most 10 MB."),
                "too_large", null, total, AttachmentLimits.MaxMessageBytes));
        }

        return (checkedFiles, null);
    }

    /// <summary>"812 KB", "5.3 MB".</summary>
    public static string Size(long bytes) => bytes < 1024 * 1024
        ? Math.Max(1, (long)Math.Round(bytes / 1024d)).ToString(CultureInfo.InvariantCulture) + " KB"
        : (bytes / 1048576d).ToString("0.#", CultureInfo.InvariantCulture) + " MB";

    /// <summary>The last path segment, without control characters or quotes, at most 120 characters.</summary>
    public static string CleanName(string? fileName)
    {
        var name = Path.GetFileName((fileName ?? string.Empty).Replace('\\', '/'));
        name = new string(name.Where(c => !char.IsControl(c) && c is not ('"' or '/' or '\\')).ToArray()).Trim();
        if (name.Length > 120)
        {
            var extension = Path.GetExtension(name);
            name = name[..(120 - Math.Min(extension.Length, 20))] + extension[..Math.Min(extension.Length, 20)];
        }

        return name.Length == 0 ? "file" : name;
    }
}
