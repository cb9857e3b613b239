using System.Text;
using OpenChat.Web.OpenRouter;
using OpenChat.Web.Platform;

namespace OpenChat.Web.Chats.Attachments;

/// <summary>Attachments in the thread (thumbnails and chips, each a download) and the composer's attach button.</summary>
public static class AttachmentMarkup
{
    private const string Paperclip =
        "<svg aria-hidden=\"true\" viewBox=\"0 0 24 24\" class=\"icon icon-sm\"><path d=\"M21 11.5l-8.6 8.6a5 5 0 01-7.1-7.1l8.6-8.6a3.3 3.3 0 014.7 4.7l-8.6 8.6a1.7 1.7 0 01-2.4-2.4l7.9-7.9\" /></svg>";

    public static void AppendList(StringBuilder builder, IReadOnlyList<ChatAttachment> attachments)
    {
        if (attachments.Count == 0)
        {
            return;
        }

        builder.Append("<ul class=\"attachments\" aria-label=\"Attachments\">");
        foreach (var a in attachments)
        {
            var url = Html.Encode(a.DownloadUrl);
            var name = Html.Encode(a.FileName);
            builder.Append("<li>");
            if (a.Kind == AttachmentKind.Image)
            {
                builder.Append("<a class=\"attachment-thumb\" hx-boost=\"false\" href=\"").Append(url).Append("\" download=\"").Append(name).Append("\" title=\"")
                    .Append(name).Append(" · ").Append(AttachmentCheck.Size(a.SizeBytes)).Append("\"><img src=\"").Append(url)
                    .Append("\" alt=\"").Append(name).Append("\" loading=\"lazy\" decoding=\"async\"></a>");
            }
            else
            {
                builder.Append("<a class=\"chip\" hx-boost=\"false\" href=\"").Append(url).Append("\" download=\"").Append(name).Append("\"><span class=\"chip-kind\">")
                    .Append(a.Kind == AttachmentKind.Pdf ? "PDF" : "TXT").Append("</span><span class=\"chip-name\">").Append(name)
                    .Append("</span><span class=\"chip-size\">").Append(AttachmentCheck.Size(a.SizeBytes)).Append("</span></a>");
            }

            builder.Append("</li>");
        }

        builder.Append("</ul>");
    }

    /// <summary>
    /// The attach button: a label for the composer's file input, saying what this model can take. Its
    /// <c>data-accepts</c> (image, pdf, text) drives the browser's check; the server checks again on send.
    /// A model the catalogue does not know (yet) offers everything and the send decides.
    /// </summary>
    public static string AttachButton(ModelInputs? inputs, bool oob = false)
    {
        var known = inputs is { Known: true };
        var images = !known || inputs!.Value.Images;
        var files = !known || inputs!.Value.Files;
        var accepts = (images ? "image " : string.Empty) + (files ? "pdf " : string.Empty) + "text";
        var title = (images, files) switch
        {
            (true, true) => "Attach images, PDFs or text files (up to 4, 5 MB each)",
            (true, false) => $"Attach images or text files (up to 4, 5 MB each). {inputs!.Value.Name} cannot read PDFs.",
            (false, true) => $"Attach PDFs or text files (up to 4, 5 MB each). {inputs!.Value.Name} cannot read images.",
            _ => $"Attach text files (up to 4, 5 MB each). {inputs!.Value.Name} reads text only: choose a model with image or file input for images and PDFs.",
        };
        return new StringBuilder(512)
            .Append("<label id=\"attach-button\" for=\"composer-files\" class=\"btn btn-ghost btn-sm attach-button\" data-accepts=\"").Append(accepts)
            .Append("\" title=\"").Append(Html.Encode(title)).Append('"').Append(oob ? " hx-swap-oob=\"true\"" : string.Empty).Append('>')
            .Append(Paperclip).Append("<span class=\"visually-hidden\">").Append(Html.Encode(title)).Append("</span></label>")
            .ToString();
    }
}
