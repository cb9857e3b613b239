using System.Globalization;
using OpenChat.Web.Generation;
using OpenChat.Web.OpenRouter;

namespace OpenChat.Web.Storage.Files;

/// <summary>
/// The reply ledger as <c>owners/{owner}/ledger.txt</c>: one line per reply started (<c>ticks source</c>).
/// Lines older than two days are dropped when the file grows, since only the last 24 hours are ever counted.
/// Operator-key replies are also written to <c>operator-ledger/{yyyy-MM-dd}.txt</c> (one file per UTC day, with the
/// day's salt beside it): <c>r id ticks g|m address-hash</c> when one starts, <c>c id ticks cost</c> when it ended.
/// Files older than two days are deleted.
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

    public const string OperatorFolder = "operator-ledger";

    public async Task RecordOperatorReplyAsync(OperatorReply reply, CancellationToken cancellationToken)
    {
        await RecordAsync(reply.OwnerId, KeySource.Operator, reply.At, cancellationToken);
        var day = AddressHash.Day(reply.At);
        var hash = AddressHash.Of(reply.Address, await SaltAsync(day, cancellationToken));
        await AppendOperatorLineAsync(day, string.Create(CultureInfo.InvariantCulture,
            $"r {reply.Id:N} {reply.At.UtcTicks} {(reply.IsGuest ? 'g' : 'm')} {hash}\n"), cancellationToken);
    }

    public async Task<int> CountOperatorRepliesFromAsync(string address, bool guestsOnly, DateTimeOffset since, CancellationToken cancellationToken)
    {
        var count = 0;
        for (var day = AddressHash.Day(since); day <= AddressHash.Day(DateTimeOffset.UtcNow); day = day.AddDays(1))
        {
            var hash = AddressHash.Of(address, await SaltAsync(day, cancellationToken));
            foreach (var parts in await ReadOperatorLinesAsync(day, cancellationToken))
            {
                if (parts.Length == 5 && parts[0] == "r" && parts[4] == hash && (!guestsOnly || parts[3] == "g") && Ticks(parts[2]) >= since.UtcTicks)
                {
                    count++;
                }
            }
        }

        return count;
    }

    public Task RecordOperatorCostAsync(OperatorReply reply, decimal costUsd, CancellationToken cancellationToken) =>
        AppendOperatorLineAsync(AddressHash.Day(reply.At), string.Create(CultureInfo.InvariantCulture, $"c {reply.Id:N} {reply.At.UtcTicks} {costUsd}\n"), cancellationToken);

    public async Task<decimal> OperatorCostSinceAsync(DateTimeOffset since, CancellationToken cancellationToken)
    {
        var total = 0m;
        for (var day = AddressHash.Day(since); day <= AddressHash.Day(DateTimeOffset.UtcNow); day = day.AddDays(1))
        {
            foreach (var parts in await ReadOperatorLinesAsync(day, cancellationToken))
            {
                if (parts.Length == 4 && parts[0] == "c" && Ticks(parts[2]) >= since.UtcTicks &&
                    decimal.TryParse(parts[3], NumberStyles.Number, CultureInfo.InvariantCulture, out var cost))
                {
                    total += cost;
                }
            }
        }

        return total;
    }

    private static long Ticks(string value) => long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var ticks) ? ticks : 0;

    private string OperatorPath(DateOnly day, string extension) =>
        Path.Combine(store.Root, OperatorFolder, day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) + extension);

    private async Task AppendOperatorLineAsync(DateOnly day, string line, CancellationToken cancellationToken)
    {
        var path = OperatorPath(day, ".txt");
        using var _ = await store.LockAsync(LedgerLock, cancellationToken);
        var isNewDay = !File.Exists(path);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await File.AppendAllTextAsync(path, line, cancellationToken);
        if (isNewDay)
        {
            // Only today's and yesterday's files are ever read.
            foreach (var old in Directory.EnumerateFiles(Path.GetDirectoryName(path)!))
            {
                if (DateOnly.TryParseExact(Path.GetFileNameWithoutExtension(old), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) && d < day.AddDays(-2))
                {
                    File.Delete(old);
                }
            }
        }
    }

    private async Task<IEnumerable<string[]>> ReadOperatorLinesAsync(DateOnly day, CancellationToken cancellationToken)
    {
        var path = OperatorPath(day, ".txt");
        return File.Exists(path)
            ? (await File.ReadAllLinesAsync(path, cancellationToken)).Select(line => line.Split(' '))
            : [];
    }

    /// <summary>The day's salt, created once (exclusively, so two writers agree on it).</summary>
    private async Task<byte[]> SaltAsync(DateOnly day, CancellationToken cancellationToken)
    {
        var path = OperatorPath(day, ".salt");
        if (!File.Exists(path))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            try
            {
                await using var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None);
                await stream.WriteAsync(AddressHash.NewSalt(), cancellationToken);
                stream.Flush(flushToDisk: true);
            }
            catch (IOException) when (File.Exists(path))
            {
                // Another request made it a moment ago.
            }
        }

        return await File.ReadAllBytesAsync(path, cancellationToken);
    }
}
