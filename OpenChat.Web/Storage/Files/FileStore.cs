using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using OpenChat.Web.Hosting;

namespace OpenChat.Web.Storage.Files;

/// <summary>
/// The folder behind the file store: JSON documents a person can read, written atomically
/// (temporary file, flush to disk, rename over), with writers of one document taking turns.
/// </summary>
public sealed partial class FileStore
{
    private const int LockStripes = 64;

    private readonly SemaphoreSlim[] _locks = Enumerable.Range(0, LockStripes).Select(_ => new SemaphoreSlim(1, 1)).ToArray();

    public FileStore(IOptions<StorageOptions> options)
    {
        Root = options.Value.FullDataPath;
    }

    public static JsonSerializerOptions Json { get; } = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    public string Root { get; }

    /// <summary>The folder of one owner. Owner ids come from the auth cookie, never from a request, but are checked anyway.</summary>
    public string OwnerFolder(string ownerId)
    {
        if (!SafeOwnerId().IsMatch(ownerId))
        {
            throw new ArgumentException("Owner id has characters a file name cannot carry.", nameof(ownerId));
        }

        return Path.Combine(Root, "owners", ownerId);
    }

    /// <summary>The owners that have a folder here (ids that could not name a folder are skipped).</summary>
    public IEnumerable<string> OwnerIds()
    {
        var owners = Path.Combine(Root, "owners");
        return Directory.Exists(owners)
            ? Directory.EnumerateDirectories(owners).Select(Path.GetFileName).OfType<string>().Where(id => SafeOwnerId().IsMatch(id))
            : [];
    }

    /// <summary>Serialises writers of anything under one key (for example a chat), across all its files.</summary>
    public async Task<IDisposable> LockAsync(Guid key, CancellationToken cancellationToken)
    {
        var gate = _locks[(key.GetHashCode() & int.MaxValue) % LockStripes];
        await gate.WaitAsync(cancellationToken);
        return new Releaser(gate);
    }

    // Documents are small and usually in the page cache: one synchronous read and a parse from the bytes costs far
    // less CPU than an async FileStream (on Linux its reads hop through the thread pool) feeding an async parser.
    public static Task<T?> ReadAsync<T>(string path, CancellationToken cancellationToken)
        where T : class
    {
        try
        {
            cancellationToken.ThrowIfCancellationRequested();
            return Task.FromResult(JsonSerializer.Deserialize<T>(File.ReadAllBytes(path), Json));
        }
        catch (FileNotFoundException)
        {
            return Task.FromResult<T?>(null);
        }
        catch (DirectoryNotFoundException)
        {
            return Task.FromResult<T?>(null);
        }
        catch (Exception e)
        {
            // Callers await: failures arrive in the task, as they did from the asynchronous read.
            return Task.FromException<T?>(e);
        }
    }

    /// <param name="durable">Flush to disk before the rename, so the write also survives a power cut.</param>
    public static async Task WriteAtomicAsync<T>(string path, T value, CancellationToken cancellationToken, bool durable = true)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var folder = Path.GetDirectoryName(path)!;
        OwnerOnly.CreateFolder(folder);
        var temporary = Path.Combine(folder, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        try
        {
            var bytes = JsonSerializer.SerializeToUtf8Bytes(value, Json);
            await using (var stream = OwnerOnly.Open(temporary, FileMode.CreateNew, FileAccess.Write, bufferSize: 0))
            {
                stream.Write(bytes);
                if (durable)
                {
                    stream.Flush(flushToDisk: true);
                }
            }

            File.Move(temporary, path, overwrite: true);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
    }

    public static async Task WriteAtomicTextAsync(string path, string text, CancellationToken cancellationToken)
    {
        var folder = Path.GetDirectoryName(path)!;
        var temporary = Path.Combine(folder, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        await using (var stream = OwnerOnly.Open(temporary, FileMode.CreateNew, FileAccess.Write))
        {
            await stream.WriteAsync(System.Text.Encoding.UTF8.GetBytes(text), cancellationToken);
        }

        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>Removes a folder so that readers see it either whole or gone: rename first, then delete.</summary>
    public static void DeleteFolderAtomic(string folder)
    {
        var parent = Path.GetDirectoryName(folder)!;
        var doomed = Path.Combine(parent, $".deleted-{Guid.NewGuid():N}");
        Directory.Move(folder, doomed);
        Directory.Delete(doomed, recursive: true);
    }

    public async Task ProbeAsync(CancellationToken cancellationToken)
    {
        var probe = Path.Combine(Root, ".probe");
        await WriteAtomicAsync(probe, new { at = DateTimeOffset.UtcNow }, cancellationToken);
    }

    [GeneratedRegex("^[A-Za-z0-9_-]{1,64}$")]
    private static partial Regex SafeOwnerId();

    private sealed class Releaser(SemaphoreSlim gate) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                gate.Release();
            }
        }
    }
}
