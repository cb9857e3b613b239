using System.Security.Cryptography;
using System.Text;

namespace OpenChat.Web.Storage;

/// <summary>
/// A client address as the reply ledger keeps it: HMAC-SHA256 with a salt for the UTC day (the salt lives in the store,
/// so every instance computes the same hash, and it is replaced daily, so hashes cannot be joined across days).
/// </summary>
public static class AddressHash
{
    public static string Of(string address, byte[] salt) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(salt, Encoding.UTF8.GetBytes(address)).AsSpan(0, 16));

    public static DateOnly Day(DateTimeOffset at) => DateOnly.FromDateTime(at.UtcDateTime);

    /// <summary>The UTC days from <paramref name="since"/>'s to today, at most the last three (older entries are deleted anyway).</summary>
    public static IEnumerable<DateOnly> DaysSince(DateTimeOffset since)
    {
        var today = Day(DateTimeOffset.UtcNow);
        var first = Day(since) < today.AddDays(-2) ? today.AddDays(-2) : Day(since);
        for (var day = first; day <= today; day = day.AddDays(1))
        {
            yield return day;
        }
    }

    public static byte[] NewSalt() => RandomNumberGenerator.GetBytes(32);
}
