namespace OpenChat.Web.Storage.Files;

/// <summary>
/// Where the file store keeps an owner's chats and messages (<c>owners/{owner}/chats/{chat}/messages/{ticks}-{id}.json</c>),
/// for the readers that scan them (usage, search) without going through the chat repository.
/// </summary>
public static class FileMessageFiles
{
    public static IEnumerable<Guid> ChatsOf(FileStore store, string ownerId)
    {
        var folder = Path.Combine(store.OwnerFolder(ownerId), "chats");
        if (!Directory.Exists(folder))
        {
            yield break;
        }

        foreach (var chatFolder in Directory.EnumerateDirectories(folder))
        {
            // Skips folders being deleted (.deleted-*) and anything a person left there.
            if (Guid.TryParse(Path.GetFileName(chatFolder), out var chatId) && File.Exists(Path.Combine(chatFolder, "chat.json")))
            {
                yield return chatId;
            }
        }
    }

    public static string ChatFile(FileStore store, string ownerId, Guid chatId) =>
        Path.Combine(store.OwnerFolder(ownerId), "chats", chatId.ToString("D"), "chat.json");

    /// <summary>The chat's message files in thread order (oldest first).</summary>
    public static IReadOnlyList<string> Of(FileStore store, string ownerId, Guid chatId)
    {
        var folder = Path.Combine(store.OwnerFolder(ownerId), "chats", chatId.ToString("D"), "messages");
        if (!Directory.Exists(folder))
        {
            return [];
        }

        var files = Directory.EnumerateFiles(folder, "*.json").ToList();
        files.Sort(StringComparer.Ordinal);
        return files;
    }

    /// <summary>The creation ticks at the start of a message file's name.</summary>
    public static long? Ticks(string path)
    {
        var name = Path.GetFileName(path.AsSpan());
        var dash = name.IndexOf('-');
        return dash > 0 && long.TryParse(name[..dash], out var ticks) ? ticks : null;
    }

    /// <summary>The message id at the end of a message file's name.</summary>
    public static Guid? MessageId(string path)
    {
        var name = Path.GetFileNameWithoutExtension(path.AsSpan());
        var dash = name.IndexOf('-');
        return dash > 0 && Guid.TryParseExact(name[(dash + 1)..], "N", out var id) ? id : null;
    }
}
