using System.Net;
using System.Security.Cryptography;
using System.Text;

namespace OpenChat.Web.Telemetry;

/// <summary>
/// Client IPs leave the app only as <c>ip_hash</c>: HMAC-SHA256 of the address with a secret salt that changes every
/// day (UTC), first 16 hex characters. The salt is random and lives only in this process's memory, so a hash can be
/// matched within a day and instance and never reversed or joined across days.
/// </summary>
public sealed class IpHasher(TimeProvider clock)
{
    private readonly Lock _gate = new();
    private DateOnly _day;
    private byte[] _salt = [];

    public string? Hash(IPAddress? address)
    {
        if (address is null)
        {
            return null;
        }

        var salt = SaltForToday();
        Span<byte> digest = stackalloc byte[32];
        HMACSHA256.HashData(salt, Encoding.ASCII.GetBytes(address.ToString()), digest);
        return Convert.ToHexStringLower(digest[..8]);
    }

    private byte[] SaltForToday()
    {
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        lock (_gate)
        {
            if (today != _day)
            {
                _day = today;
                _salt = RandomNumberGenerator.GetBytes(32);
            }

            return _salt;
        }
    }
}
