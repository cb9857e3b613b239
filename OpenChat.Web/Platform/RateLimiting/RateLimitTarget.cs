using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.RateLimiting;
using OpenChat.Web.Accounts;

namespace OpenChat.Web.Platform.RateLimiting;

/// <summary>
/// The limiter partition a request counts in: a kind of limit and whose count it is (owner id, IP address, or
/// IP address and a hash of the email for sign-in). The IP address is the connection's, which the forwarded
/// headers middleware replaces only for proxies listed in <c>ForwardedHeaders:*</c>.
/// </summary>
public sealed record RateLimitTarget(RateLimitKind Kind, string Key, bool IsMember)
{
    private const string ItemKey = "openchat.ratelimit.target";

    public static RateLimitTarget? Find(HttpContext context) => context.Items[ItemKey] as RateLimitTarget;

    /// <summary>The IP address this partition counts (sign-in partitions also carry an email hash after it).</summary>
    public string Address => Key.Split('|', 2)[0];

    /// <summary>Works out the request's partition (reading the form only for a sign-in) and keeps it on the request.</summary>
    public static async Task ResolveAsync(HttpContext context)
    {
        // Always replaced: a re-executed error page must not count again under the refused request's partition.
        context.Items[ItemKey] = await ForAsync(context);
    }

    private static async Task<RateLimitTarget?> ForAsync(HttpContext context)
    {
        var endpoint = context.GetEndpoint();
        // The error page re-executed for an answer already counted, and endpoints that opt out (health probes).
        if (context.Features.Get<IStatusCodeReExecuteFeature>() is not null || endpoint?.Metadata.GetMetadata<DisableRateLimitingAttribute>() is not null)
        {
            return null;
        }

        var ip = context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        var limited = endpoint?.Metadata.GetOrderedMetadata<RateLimitedAttribute>()
            .FirstOrDefault(a => a.Handler is null || string.Equals(a.Handler, context.GetRouteValue("handler") as string, StringComparison.OrdinalIgnoreCase));
        if (limited is null || !HttpMethods.IsPost(context.Request.Method))
        {
            return new RateLimitTarget(RateLimitKind.Global, ip, false);
        }

        var owner = context.FindOwnerId();
        return limited.Kind switch
        {
            RateLimitKind.Send or RateLimitKind.KeySave => new RateLimitTarget(limited.Kind, owner ?? "ip:" + ip, context.User.IsMember()),
            RateLimitKind.SignIn => new RateLimitTarget(limited.Kind, ip + "|" + await EmailHashAsync(context), false),
            _ => new RateLimitTarget(limited.Kind, ip, false),
        };
    }

    /// <summary>The email only as a hash (the partition key is kept in memory; it is never logged either way).</summary>
    private static async Task<string> EmailHashAsync(HttpContext context)
    {
        var email = string.Empty;
        if (context.Request.HasFormContentType)
        {
            try
            {
                var form = await context.Request.ReadFormAsync(context.RequestAborted);
                email = form["email"].ToString();
            }
            catch (Exception e) when (e is InvalidDataException or IOException)
            {
                // A malformed or oversized form: the page answers it; here it counts under the empty email.
            }
        }

        var normalized = Member.NormalizeEmail(email);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(normalized)))[..32];
    }
}
