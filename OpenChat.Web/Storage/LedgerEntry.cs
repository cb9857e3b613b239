using System.Security.Cryptography;
using System.Text;
using OpenChat.Web.OpenRouter;

namespace OpenChat.Web.Storage;

/// <summary>One reply recorded in the reply ledger, as the spool replays it into Postgres.</summary>
public sealed record LedgerEntry(Guid Id, string OwnerId, KeySource Source, DateTimeOffset At)
{
    /// <summary>The same ledger line always gets the same id, so replaying it twice records it once.</summary>
    public static Guid IdOf(string ownerId, string line) =>
        new(SHA256.HashData(Encoding.UTF8.GetBytes($"{ownerId} {line}")).AsSpan(0, 16));
}
