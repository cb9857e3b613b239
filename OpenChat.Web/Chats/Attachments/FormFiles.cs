namespace OpenChat.Web.Chats.Attachments;

/// <summary>Reads a send's files from the form. The request's size limit has already bounded them.</summary>
public static class FormFiles
{
    public static async Task<IReadOnlyList<UploadedFile>> ReadAsync(IEnumerable<IFormFile>? files, CancellationToken cancellationToken)
    {
        var read = new List<UploadedFile>();
        foreach (var file in files ?? [])
        {
            if (file.Length == 0 && string.IsNullOrEmpty(file.FileName))
            {
                continue; // the empty part a form sends when no file was chosen
            }

            var content = new byte[file.Length];
            await using var stream = file.OpenReadStream();
            await stream.ReadExactlyAsync(content, cancellationToken);
            read.Add(new UploadedFile(file.FileName, content));
        }

        return read;
    }
}
