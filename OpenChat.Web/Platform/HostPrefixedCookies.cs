using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace OpenChat.Web.Platform;

/// <summary>
/// Over HTTPS every cookie of the app is a <c>__Host-</c> cookie (Secure, <c>Path=/</c>, no <c>Domain</c>): the browser
/// then refuses one set by any other origin, such as a sibling subdomain or a man in the middle on plain http, so nobody can
/// plant an identity, a token or a theme. The code keeps using the plain names (<c>oc_id</c>, ...): incoming
/// <c>__Host-</c> cookies are presented under their plain names, plain-named ones (which could have been planted) are
/// dropped, and outgoing ones are renamed. Over plain http (development, tests) nothing changes.
/// </summary>
public sealed class HostPrefixedCookies(RequestDelegate next)
{
    public const string Prefix = "__Host-";

    /// <summary>The app's cookies (names are matched by prefix, so the auth cookie's chunks <c>oc_idC1</c>... count too).</summary>
    private static readonly string[] Names = ["oc_id", "oc_aid", "oc_ses", "oc_theme", "oc_af"];

    public Task InvokeAsync(HttpContext context)
    {
        if (!context.Request.IsHttps)
        {
            return next(context);
        }

        var incoming = context.Request.Headers.Cookie;
        if (incoming.Count > 0 && CookieHeaderValue.TryParseList(incoming, out var cookies))
        {
            var kept = new List<string>(cookies.Count);
            foreach (var cookie in cookies)
            {
                var name = cookie.Name.Value ?? "";
                if (name.StartsWith(Prefix, StringComparison.Ordinal) && IsOurs(name[Prefix.Length..]))
                {
                    kept.Add($"{name[Prefix.Length..]}={cookie.Value}");
                }
                else if (!IsOurs(name))
                {
                    kept.Add($"{name}={cookie.Value}");
                }
            }

            context.Request.Headers.Cookie = string.Join("; ", kept);
        }

        context.Response.OnStarting(static state =>
        {
            var response = (HttpResponse)state;
            var setCookies = response.Headers.SetCookie;
            if (setCookies.Count == 0)
            {
                return Task.CompletedTask;
            }

            var rewritten = new string?[setCookies.Count];
            for (var i = 0; i < setCookies.Count; i++)
            {
                rewritten[i] = Rewrite(setCookies[i]!);
            }

            response.Headers.SetCookie = new StringValues(rewritten);
            return Task.CompletedTask;
        }, context.Response);
        return next(context);
    }

    private static bool IsOurs(string name) => Names.Any(n => name.StartsWith(n, StringComparison.Ordinal));

    private static string Rewrite(string setCookie)
    {
        var parts = setCookie.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var name = parts[0].Split('=', 2)[0];
        if (!IsOurs(name))
        {
            return setCookie;
        }

        var attributes = parts.Skip(1)
            .Where(a => !a.StartsWith("domain", StringComparison.OrdinalIgnoreCase)
                && !a.StartsWith("path", StringComparison.OrdinalIgnoreCase)
                && !a.Equals("secure", StringComparison.OrdinalIgnoreCase));
        return string.Join("; ", new[] { Prefix + parts[0], "path=/", "secure" }.Concat(attributes));
    }
}
