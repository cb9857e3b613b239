using System.Globalization;
using OpenChat.Web.OpenRouter;

namespace OpenChat.Web.Storage.Files;

/// <summary>
/// The reply ledger as <c>owners/{owner}/ledger.txt</c>: one line per reply started (<c>ticks source</c>).
/// Lines older than two days are dropped when the file grows, since only the last 24 hours are ever counted.
/// Operator-key replies are also written under <c>operator-ledger/{yyyy-MM-dd}/</c> (one folder per UTC day, with the
/// day's salt beside it): a file per address hash (<c>id ticks g|m</c> per reply) and <c>spent.txt</c>, the day's
/// running total of their cost. Days older than two are deleted.
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
        OwnerOnly.CreateFolder(Path.GetDirectoryName(path)!);
        await OwnerOnly.AppendAllTextAsync(path, string.Create(CultureInfo.InvariantCulture, $"{at.UtcTicks} {source.ToWireName()}\n"), cancellationToken);
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

    /// <summary>Every entry of an owner's ledger (for replaying the spool), each with an id derived from its line.</summary>
    public async Task<IReadOnlyList<LedgerEntry>> EntriesAsync(string ownerId, CancellationToken cancellationToken)
    {
        var path = Path.Combine(store.OwnerFolder(ownerId), FileName);
        if (!File.Exists(path))
        {
            return [];
        }

        var entries = new List<LedgerEntry>();
        foreach (var line in await File.ReadAllLinesAsync(path, cancellationToken))
        {
            if (Parse(line) is { } entry)
            {
                entries.Add(new LedgerEntry(LedgerEntry.IdOf(ownerId, line), ownerId, entry.Source, entry.At));
            }
        }

        return entries;
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
    private const string SpentFile = "spent.txt";

    public async Task RecordOperatorReplyAsync(OperatorReply reply, CancellationToken cancellationToken)
    {
        await RecordAsync(reply.OwnerId, KeySource.Operator, reply.At, cancellationToken);
        var day = AddressHash.Day(reply.At);
        var hash = AddressHash.Of(reply.Address, await SaltAsync(day, cancellationToken));
        using var _ = await store.LockAsync(LedgerLock, cancellationToken);
        var folder = DayFolder(day);
        if (!Directory.Exists(folder))
        {
            OwnerOnly.CreateFolder(folder);
            DeleteOldDays(day);
        }

        await OwnerOnly.AppendAllTextAsync(Path.Combine(folder, hash + ".txt"), string.Create(CultureInfo.InvariantCulture,
            $"{reply.Id:N} {reply.At.UtcTicks} {(reply.IsGuest ? 'g' : 'm')}\n"), cancellationToken);
    }

    /// <summary>Reads only that address's file of the day (one line per reply), never the whole day's traffic.</summary>
    public async Task<int> CountOperatorRepliesFromAsync(string address, bool guestsOnly, DateTimeOffset since, CancellationToken cancellationToken)
    {
        var count = 0;
        foreach (var day in AddressHash.DaysSince(since))
        {
            var path = Path.Combine(DayFolder(day), AddressHash.Of(address, await SaltAsync(day, cancellationToken)) + ".txt");
            if (!File.Exists(path))
            {
                continue;
            }

            foreach (var line in await File.ReadAllLinesAsync(path, cancellationToken))
            {
                var parts = line.Split(' ');
                if (parts.Length == 3 && (!guestsOnly || parts[2] == "g") && Ticks(parts[1]) >= since.UtcTicks)
                {
                    count++;
                }
            }
        }

        return count;
    }

    /// <summary>A running total per day (<c>spent.txt</c>), so the budget check reads one number.</summary>
    public async Task RecordOperatorCostAsync(OperatorReply reply, decimal costUsd, CancellationToken cancellationToken)
    {
        var folder = DayFolder(AddressHash.Day(reply.At));
        using var _ = await store.LockAsync(LedgerLock, cancellationToken);
        OwnerOnly.CreateFolder(folder);
        var path = Path.Combine(folder, SpentFile);
        var spent = await ReadSpentAsync(path, cancellationToken) + costUsd;
        await FileStore.WriteAtomicTextAsync(path, spent.ToString(CultureInfo.InvariantCulture), cancellationToken);
    }

    /// <summary>The spend of every UTC day from <paramref name="since"/>'s day on (this store keeps whole days).</summary>
    public async Task<decimal> OperatorCostSinceAsync(DateTimeOffset since, CancellationToken cancellationToken)
    {
        var total = 0m;
        foreach (var day in AddressHash.DaysSince(since))
        {
            total += await ReadSpentAsync(Path.Combine(DayFolder(day), SpentFile), cancellationToken);
        }

        return total;
    }

    private static async Task<decimal> ReadSpentAsync(string path, CancellationToken cancellationToken) =>
        File.Exists(path) && decimal.TryParse(await File.ReadAllTextAsync(path, cancellationToken), NumberStyles.Number, CultureInfo.InvariantCulture, out var spent)
            ? spent
            : 0m;

    private static long Ticks(string value) => long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var ticks) ? ticks : 0;

    private string DayFolder(DateOnly day) => Path.Combine(store.Root, OperatorFolder, day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));

    /// <summary>Only today's and yesterday's days are ever read.</summary>
    private void DeleteOldDays(DateOnly today)
    {
        foreach (var old in Directory.EnumerateFileSystemEntries(Path.Combine(store.Root, OperatorFolder)))
        {
            if (DateOnly.TryParseExact(Path.GetFileNameWithoutExtension(old), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day) && day < today.AddDays(-2))
            {
                if (Directory.Exists(old))
                {
                    Directory.Delete(old, recursive: true);
                }
                else
                {
                    File.Delete(old);
                }
            }
        }
    }

    /// <summary>The day's salt, created once (exclusively, so two writers agree on it).</summary>
    private async Task<byte[]> SaltAsync(DateOnly day, CancellationToken cancellationToken)
    {
        var path = Path.Combine(store.Root, OperatorFolder, day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) + ".salt");
        if (!File.Exists(path))
        {
            OwnerOnly.CreateFolder(Path.GetDirectoryName(path)!);
            try
            {
                await using var stream = OwnerOnly.Open(path, FileMode.CreateNew, FileAccess.Write);
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
