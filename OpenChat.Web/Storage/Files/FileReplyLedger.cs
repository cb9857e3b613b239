using System.Globalization;
using OpenChat.Web.OpenRouter;

namespace OpenChat.Web.Storage.Files;

/// <summary>
/// The reply ledger as <c>owners/{owner}/ledger.txt</c>: one line per reply started (<c>ticks source</c>).
/// Lines older than two days are dropped when the file grows, since only the last 24 hours are ever counted.
/// </summary>
public sealed class FileReplyLedger(FileStore store) : IReplyLedger
{
    public const string FileName = "ledger.txt";
    private const long CompactAboveBytes = 64 * 1024;
    private static readonly Guid LedgerLock = new("6f70656e-6368-6174-0000-6c6564676572");

    public async Task RecordAsync(string ownerId, KeySource source, DateTimeOffset at, CancellationToken cancellationToken)
    {
        var path = Path.Combine(store.OwnerFolder(ownerId), FileName);
        using var _ = await store.LockAsync(LedgerLock, cancellationToken);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await File.AppendAllTextAsync(path, string.Create(CultureInfo.InvariantCulture, $"{at.UtcTicks} {source.ToWireName()}\n"), cancellationToken);
        if (new FileInfo(path).Length > CompactAboveBytes)
        {
            var keep = (await File.ReadAllLinesAsync(path, cancellationToken))
                .Where(line => Parse(line) is { } entry && entry.At >= at.AddDays(-2));
            await FileStore.WriteAtomicTextAsync(path, string.Join('\n', keep) + "\n", cancellationToken);
        }
    }

    public async Task<int> CountSinceAsync(string ownerId, KeySource source, DateTimeOffset since, CancellationToken cancellationToken)
    {
        var path = Path.Combine(store.OwnerFolder(ownerId), FileName);
        if (!File.Exists(path))
        {
            return 0;
        }

        var count = 0;
        foreach (var line in await File.ReadAllLinesAsync(path, cancellationToken))
        {
            if (Parse(line) is { } entry && entry.Source == source && entry.At >= since)
            {
                count++;
            }
        }

        return count;
    }

    private static (DateTimeOffset At, KeySource Source)? Parse(string line)
    {
        var space = line.IndexOf(' ', StringComparison.Ordinal);
        if (space <= 0 || !long.TryParse(line.AsSpan(0, space), NumberStyles.None, CultureInfo.InvariantCulture, out var ticks))
        {
            return null;
        }

        return (new DateTimeOffset(ticks, TimeSpan.Zero), line.AsSpan(space + 1).SequenceEqual("user") ? KeySource.User : KeySource.Operator);
    }
}
