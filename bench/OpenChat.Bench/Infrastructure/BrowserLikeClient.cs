using System.Buffers;
using System.Net;
using System.Net.Http.Headers;

namespace OpenChat.Bench.Infrastructure;

/// <summary>
/// The HttpClient a load scenario shares across its workers: no automatic decompression (bytes are counted as they
/// come over the wire), <c>Accept-Encoding: gzip, br</c> like a browser, no cookies (every request is a first
/// visit), no proxy, loopback targets only.
/// </summary>
public static class BrowserLikeClient
{
    public static HttpClient Create(Uri baseAddress, int maxConnections, string? acceptEncoding = "gzip, br")
    {
        RequireLoopback(baseAddress);
        var handler = new SocketsHttpHandler
        {
            AutomaticDecompression = DecompressionMethods.None,
            UseCookies = false,
            UseProxy = false,
            AllowAutoRedirect = false,
            MaxConnectionsPerServer = Math.Max(1, maxConnections),
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            ConnectTimeout = TimeSpan.FromSeconds(5),
        };
        var client = new HttpClient(handler, disposeHandler: true)
        {
            BaseAddress = baseAddress,
            Timeout = TimeSpan.FromSeconds(30),
        };
        client.DefaultRequestHeaders.Accept.ParseAdd("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8");
        client.DefaultRequestHeaders.AcceptLanguage.ParseAdd("en-US,en;q=0.9");
        client.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("OpenChat.Bench", "1.0"));
        if (!string.IsNullOrEmpty(acceptEncoding))
        {
            client.DefaultRequestHeaders.TryAddWithoutValidation("Accept-Encoding", acceptEncoding);
        }

        return client;
    }

    /// <summary>The bench only ever loads its own child process.</summary>
    public static void RequireLoopback(Uri address)
    {
        if (!address.IsLoopback)
        {
            throw new InvalidOperationException($"Refusing to load {address}: the bench only targets loopback addresses.");
        }
    }

    /// <summary>Reads the whole body as sent (compressed or not) and returns its length.</summary>
    public static async Task<long> DrainAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        var buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            long total = 0;
            int read;
            while ((read = await stream.ReadAsync(buffer, cancellationToken)) > 0)
            {
                total += read;
            }

            return total;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
