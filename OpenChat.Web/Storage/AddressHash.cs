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

    public static byte[] NewSalt() => RandomNumberGenerator.GetBytes(32);
}
