using System.Text;

namespace OpenChat.Web.Storage.Files;

/// <summary>
/// A chat's message index in the file store: <c>messages.idx</c> next to <c>chat.json</c>, one fixed-width line per
/// message (its file's name without <c>.json</c>: <c>{created-ticks:D19}-{id:N}</c>), in thread order. A page is a
/// binary search and one read of the index, instead of listing and sorting the messages folder on every page.
/// Chats written before the index existed get one the first time they are read or written. Writers hold the
/// chat's lock (<see cref="FileStore.LockAsync"/>); readers need none.
/// </summary>
public static class FileMessageIndex
{
    public const string FileName = "messages.idx";
    public const int NameLength = 19 + 1 + 32;
    private const int RecordLength = NameLength + 1;

    public static string NameOf(DateTimeOffset createdAt, Guid id) => $"{createdAt.UtcTicks:D19}-{id:N}";

    public static bool Exists(string chatFolder) => File.Exists(Path.Combine(chatFolder, FileName));

    /// <summary>Builds the index from the messages folder when there is none (the caller holds the chat's lock).</summary>
    public static void Ensure(string chatFolder)
    {
        if (Exists(chatFolder))
        {
            return;
        }

        var messages = Path.Combine(chatFolder, "messages");
        var names = Directory.Exists(messages)
            ? Directory.EnumerateFiles(messages, "*.json").Select(Path.GetFileNameWithoutExtension).OfType<string>().Where(n => n.Length == NameLength).ToList()
            : [];
        names.Sort(StringComparer.Ordinal);
        Write(chatFolder, names);
    }

    /// <summary>Adds a message's name (the caller holds the chat's lock): appended when it is the newest, else merged in order.</summary>
    public static void Add(string chatFolder, string name)
    {
        Ensure(chatFolder);
        var path = Path.Combine(chatFolder, FileName);
        using (var handle = File.OpenHandle(path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete))
        {
            var count = RandomAccess.GetLength(handle) / RecordLength; // a record cut short by a crash is overwritten
            var last = count == 0 ? null : ReadName(handle, count - 1);
            var order = last is null ? 1 : string.CompareOrdinal(name, last);
            if (order == 0)
            {
                return;
            }

            if (order > 0)
            {
                RandomAccess.Write(handle, Encoding.ASCII.GetBytes(name + "\n"), count * RecordLength);
                RandomAccess.SetLength(handle, (count + 1) * RecordLength);
                return;
            }
        }

        // Older than the newest (rare: a message copied into the spool, an import out of order): rewrite in order.
        var names = ReadAll(path);
        var at = names.BinarySearch(name, StringComparer.Ordinal);
        if (at < 0)
        {
            names.Insert(~at, name);
            Write(chatFolder, names);
        }
    }

    /// <summary>Replaces the index with these names, already in order (atomically, flushed to disk).</summary>
    public static void Write(string chatFolder, IReadOnlyList<string> sortedNames)
    {
        var bytes = new byte[sortedNames.Count * RecordLength];
        for (var i = 0; i < sortedNames.Count; i++)
        {
            Encoding.ASCII.GetBytes(sortedNames[i], bytes.AsSpan(i * RecordLength, NameLength));
            bytes[(i * RecordLength) + NameLength] = (byte)'\n';
        }

        OwnerOnly.CreateFolder(chatFolder);
        var path = Path.Combine(chatFolder, FileName);
        var temporary = Path.Combine(chatFolder, $".{FileName}.{Guid.NewGuid():N}.tmp");
        using (var stream = OwnerOnly.Open(temporary, FileMode.CreateNew, FileAccess.Write, bufferSize: 0))
        {
            stream.Write(bytes);
            stream.Flush(flushToDisk: true);
        }

        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>
    /// The names of the newest <paramref name="limit"/> messages before <paramref name="before"/> (a name; null: the
    /// newest overall), oldest first. Null when the chat has no index yet.
    /// </summary>
    public static IReadOnlyList<string>? Page(string chatFolder, string? before, int limit)
    {
        var handle = OpenForReading(Path.Combine(chatFolder, FileName));
        if (handle is null)
        {
            return null;
        }

        using (handle)
        {
            var count = RandomAccess.GetLength(handle) / RecordLength;
            var end = count;
            if (before is not null)
            {
                // First record not before the bound.
                long low = 0, high = count;
                while (low < high)
                {
                    var middle = low + ((high - low) / 2);
                    if (string.CompareOrdinal(ReadName(handle, middle), before) < 0)
                    {
                        low = middle + 1;
                    }
                    else
                    {
                        high = middle;
                    }
                }

                end = low;
            }

            var start = Math.Max(0, end - limit);
            var buffer = new byte[(end - start) * RecordLength];
            RandomAccess.Read(handle, buffer, start * RecordLength);
            var names = new List<string>((int)(end - start));
            for (var i = 0; i < end - start; i++)
            {
                names.Add(Encoding.ASCII.GetString(buffer, i * RecordLength, NameLength));
            }

            return names;
        }
    }

    private static List<string> ReadAll(string path)
    {
        var bytes = File.ReadAllBytes(path);
        var names = new List<string>(bytes.Length / RecordLength);
        for (var offset = 0; offset + RecordLength <= bytes.Length; offset += RecordLength)
        {
            names.Add(Encoding.ASCII.GetString(bytes, offset, NameLength));
        }

        return names;
    }

    private static string ReadName(Microsoft.Win32.SafeHandles.SafeFileHandle handle, long index)
    {
        Span<byte> record = stackalloc byte[NameLength];
        RandomAccess.Read(handle, record, index * RecordLength);
        return Encoding.ASCII.GetString(record);
    }

    private static Microsoft.Win32.SafeHandles.SafeFileHandle? OpenForReading(string path)
    {
        try
        {
            return File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }
}
