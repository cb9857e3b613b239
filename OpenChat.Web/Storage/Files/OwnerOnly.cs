namespace OpenChat.Web.Storage.Files;

/// <summary>
/// The data folder holds password hashes, encrypted keys and everyone's chats: everything in it is created for the
/// app's own user only (folders 0700, files 0600), whatever the process's umask. (On Windows, ACLs inherited
/// from the folder apply instead.)
/// </summary>
public static class OwnerOnly
{
    public const UnixFileMode FolderMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    public const UnixFileMode FileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>Creates the folder and any missing parents, owner-only.</summary>
    public static DirectoryInfo CreateFolder(string path)
    {
        if (OperatingSystem.IsWindows() || Directory.Exists(path))
        {
            return Directory.CreateDirectory(path);
        }

        // Directory.CreateDirectory(path, mode) gives the mode to the last folder only; missing parents get the default.
        if (Path.GetDirectoryName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(path))) is { } parent && !Directory.Exists(parent))
        {
            CreateFolder(parent);
        }

        return Directory.CreateDirectory(path, FolderMode);
    }

    /// <summary>Opens a file, creating it owner-only when it does not exist.</summary>
    public static FileStream Open(string path, System.IO.FileMode mode, FileAccess access, int bufferSize = 4096, FileOptions options = FileOptions.None)
    {
        var settings = new FileStreamOptions { Mode = mode, Access = access, Share = FileShare.None, BufferSize = bufferSize, Options = options };
        if (!OperatingSystem.IsWindows())
        {
            settings.UnixCreateMode = FileMode;
        }

        return new FileStream(path, settings);
    }

    public static void WriteAllBytes(string path, ReadOnlySpan<byte> bytes)
    {
        using var stream = Open(path, System.IO.FileMode.Create, FileAccess.Write, bufferSize: 0);
        stream.Write(bytes);
    }

    public static async Task AppendAllTextAsync(string path, string text, CancellationToken cancellationToken)
    {
        await using var stream = Open(path, System.IO.FileMode.Append, FileAccess.Write);
        await stream.WriteAsync(System.Text.Encoding.UTF8.GetBytes(text), cancellationToken);
    }

    /// <summary>Makes an existing folder or file owner-only (folders made by earlier versions, files others wrote).</summary>
    public static void Restrict(string path, bool folder)
    {
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, folder ? FolderMode : FileMode);
        }
    }
}
