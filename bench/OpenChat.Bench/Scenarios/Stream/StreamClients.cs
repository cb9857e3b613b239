using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.RegularExpressions;
using OpenChat.Bench.Infrastructure;

namespace OpenChat.Bench.Scenarios.Stream;

/// <summary>What one SSE (or baseline) client saw of one reply.</summary>
public sealed class ReplyObservation(int index, int chunks)
{
    private readonly bool[] _seen = new bool[chunks];

    public int Index { get; } = index;

    public LatencyRecorder Latency { get; } = new(chunks);

    public Guid ChatId { get; set; }

    public string Cookies { get; set; } = string.Empty;

    public long Bytes { get; set; }

    public long SnapshotBytes { get; set; }

    public int SnapshotMarkers { get; set; }

    public int LiveMarkers { get; set; }

    /// <summary>Markers whose chunk the fake had not recorded as written (should be 0).</summary>
    public int Anomalies { get; set; }

    public bool SnapshotSeen { get; set; }

    /// <summary>The status of the reply's final article on the live stream (complete, stopped, error...), or null.</summary>
    public string? FinalStatus { get; set; }

    /// <summary>Stopwatch time the final event (or [DONE]) arrived; 0 = never.</summary>
    public long FinishedAt { get; set; }

    /// <summary>Why this reply failed (setup, stream), or null.</summary>
    public string? Error { get; set; }

    public TaskCompletionSource Attached { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task Reading { get; set; } = Task.CompletedTask;

    public int FinalHtmlBytes { get; set; }

    public string? StoredStatus { get; set; }

    public int StoredMarkers { get; set; }

    /// <summary>Marks a marker as seen; returns true the first time.</summary>
    public bool See(int sequence) => sequence < _seen.Length && !_seen[sequence] && (_seen[sequence] = true);
}

/// <summary>The two clients: a guest driving the app (antiforgery, POST /chat, live stream) and a direct reader of the fake.</summary>
public static partial class StreamClients
{
    private static readonly byte[] AssistantStatus = "data-role=\"assistant\" data-status=\""u8.ToArray();

    public static HttpClient Create(Uri baseAddress, int maxConnections)
    {
        BrowserLikeClient.RequireLoopback(baseAddress);
        var handler = new SocketsHttpHandler
        {
            AutomaticDecompression = DecompressionMethods.None,
            UseCookies = false,
            UseProxy = false,
            AllowAutoRedirect = false,
            MaxConnectionsPerServer = maxConnections,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            ConnectTimeout = TimeSpan.FromSeconds(10),
        };
        var client = new HttpClient(handler, disposeHandler: true) { BaseAddress = baseAddress, Timeout = Timeout.InfiniteTimeSpan };
        client.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("OpenChat.Bench", "1.0"));
        return client;
    }

    /// <summary>
    /// A new guest: <c>GET /chat</c> (antiforgery cookie and token), <c>POST /chat</c> with the text (creates the chat
    /// and starts the reply; 302 to <c>/chat/{id}</c> and the <c>oc_id</c> cookie). Sets ChatId and Cookies.
    /// </summary>
    public static async Task CreateChatAsync(HttpClient client, ReplyObservation reply, string text, CancellationToken cancellationToken)
    {
        using var get = new HttpRequestMessage(HttpMethod.Get, "/chat");
        using var page = await client.SendAsync(get, cancellationToken);
        var html = await page.Content.ReadAsStringAsync(cancellationToken);
        if (page.StatusCode != HttpStatusCode.OK)
        {
            throw new BenchStepException($"GET /chat {(int)page.StatusCode}");
        }

        var antiforgeryCookie = CookiePair(page, "oc_af") ?? throw new BenchStepException("GET /chat set no oc_af cookie");
        var token = TokenPattern().Match(html);
        if (!token.Success)
        {
            throw new BenchStepException("GET /chat has no __RequestVerificationToken in the composer");
        }

        using var post = new HttpRequestMessage(HttpMethod.Post, "/chat")
        {
            Content = new FormUrlEncodedContent([new("text", text), new("__RequestVerificationToken", WebUtility.HtmlDecode(token.Groups[1].Value))]),
        };
        post.Headers.Add("Cookie", antiforgeryCookie);
        using var sent = await client.SendAsync(post, cancellationToken);
        await sent.Content.ReadAsByteArrayAsync(cancellationToken);
        if (sent.StatusCode != HttpStatusCode.Redirect && sent.StatusCode != HttpStatusCode.Found)
        {
            throw new BenchStepException($"POST /chat {(int)sent.StatusCode}");
        }

        var location = sent.Headers.Location?.OriginalString ?? string.Empty;
        var id = ChatIdPattern().Match(location);
        if (!id.Success)
        {
            throw new BenchStepException("POST /chat redirected to '" + location + "'");
        }

        var owner = CookiePair(sent, "oc_id") ?? throw new BenchStepException("POST /chat set no oc_id cookie");
        reply.ChatId = Guid.Parse(id.Groups[1].Value);
        reply.Cookies = antiforgeryCookie + "; " + owner;
    }

    /// <summary>
    /// Reads the tab's live stream until the reply's final article arrives: the first <c>oob</c> event is the
    /// snapshot (markers in it are not timed); each marker seen afterwards for the first time is timed against
    /// the fake's write time. Completes <see cref="ReplyObservation.Attached"/> when the snapshot arrived.
    /// </summary>
    public static async Task ReadLiveAsync(
        HttpClient client, ReplyObservation reply, FakeOpenRouter.ReplyTrace trace, CancellationToken cancellationToken)
    {
        try
        {
            var tab = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"benchtab{reply.Index:D6}");
            using var request = new HttpRequestMessage(HttpMethod.Get, $"/chat/live?chat={reply.ChatId:D}&tab={tab}");
            request.Headers.Add("Cookie", reply.Cookies);
            request.Headers.Accept.ParseAdd("text/event-stream");
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                reply.Error = $"live stream HTTP {(int)response.StatusCode}";
                return;
            }

            await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
            var parser = new SseParser();
            var buffer = new byte[16 * 1024];
            var now = 0L;
            void OnEvent(string name, ReadOnlySpan<byte> data)
            {
                if (!reply.SnapshotSeen)
                {
                    if (name != "oob")
                    {
                        return;
                    }

                    reply.SnapshotSeen = true;
                    reply.SnapshotBytes = reply.Bytes;
                    var state = reply;
                    MarkerScanner.Scan(data, ref state, static (int seq, ref ReplyObservation r) =>
                    {
                        if (r.See(seq))
                        {
                            r.SnapshotMarkers++;
                        }
                    });
                    reply.Attached.TrySetResult();
                    return;
                }

                var live = (Reply: reply, Trace: trace, Now: now);
                MarkerScanner.Scan(data, ref live, static (int seq, ref (ReplyObservation Reply, FakeOpenRouter.ReplyTrace Trace, long Now) s) =>
                {
                    if (!s.Reply.See(seq))
                    {
                        return;
                    }

                    var written = Volatile.Read(ref s.Trace.WriteTicks[seq]);
                    if (written == 0)
                    {
                        s.Reply.Anomalies++;
                        return;
                    }

                    s.Reply.Latency.Record(s.Now - written);
                    s.Reply.LiveMarkers++;
                });

                if (name == "oob")
                {
                    var at = data.IndexOf(AssistantStatus);
                    if (at >= 0)
                    {
                        var rest = data[(at + AssistantStatus.Length)..];
                        var status = Encoding.ASCII.GetString(rest[..Math.Max(0, rest.IndexOf((byte)'"'))]);
                        if (status != "streaming")
                        {
                            reply.FinalStatus = status;
                            reply.FinishedAt = now;
                        }
                    }
                }
            }

            while (reply.FinalStatus is null)
            {
                var read = await body.ReadAsync(buffer, cancellationToken);
                if (read == 0)
                {
                    reply.Error = reply.SnapshotSeen ? "live stream ended before the reply's final event" : "live stream ended before the snapshot";
                    return;
                }

                now = Stopwatch.GetTimestamp();
                reply.Bytes += read;
                parser.Feed(buffer.AsSpan(0, read), OnEvent);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            reply.Error = reply.SnapshotSeen ? "reply not finished by the deadline" : "no snapshot by the deadline";
        }
        catch (Exception e) when (e is HttpRequestException or IOException)
        {
            reply.Error = "live stream dropped: " + e.GetType().Name;
        }
        finally
        {
            reply.Attached.TrySetResult();
        }
    }

    /// <summary>The baseline: reads the fake's stream directly, timing every marker the same way.</summary>
    public static async Task ReadFakeAsync(
        HttpClient client, Uri completions, string tag, ReplyObservation reply, FakeOpenRouter.ReplyTrace trace, CancellationToken cancellationToken)
    {
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, completions)
            {
                Content = new StringContent(
                    "{\"model\":\"m\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"" + tag + "\"}]}",
                    Encoding.UTF8,
                    "application/json"),
            };
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                reply.Error = $"fake HTTP {(int)response.StatusCode}";
                return;
            }

            reply.Attached.TrySetResult();
            await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
            var parser = new SseParser();
            var buffer = new byte[16 * 1024];
            var now = 0L;
            var done = false;
            void OnEvent(string name, ReadOnlySpan<byte> data)
            {
                if (data.SequenceEqual("[DONE]"u8))
                {
                    done = true;
                    return;
                }

                var live = (Reply: reply, Trace: trace, Now: now);
                MarkerScanner.Scan(data, ref live, static (int seq, ref (ReplyObservation Reply, FakeOpenRouter.ReplyTrace Trace, long Now) s) =>
                {
                    if (s.Reply.See(seq))
                    {
                        var written = Volatile.Read(ref s.Trace.WriteTicks[seq]);
                        if (written == 0)
                        {
                            s.Reply.Anomalies++;
                            return;
                        }

                        s.Reply.Latency.Record(s.Now - written);
                        s.Reply.LiveMarkers++;
                    }
                });
            }

            while (!done)
            {
                var read = await body.ReadAsync(buffer, cancellationToken);
                if (read == 0)
                {
                    reply.Error = "fake stream ended before [DONE]";
                    return;
                }

                now = Stopwatch.GetTimestamp();
                reply.Bytes += read;
                parser.Feed(buffer.AsSpan(0, read), OnEvent);
            }

            reply.FinalStatus = "complete";
            reply.FinishedAt = Stopwatch.GetTimestamp();
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            reply.Error = "fake stream not finished by the deadline";
        }
        catch (Exception e) when (e is HttpRequestException or IOException)
        {
            reply.Error = "fake stream dropped: " + e.GetType().Name;
        }
        finally
        {
            reply.Attached.TrySetResult();
        }
    }

    /// <summary>
    /// <c>GET /chat/{id}</c>: the reply's final <c>&lt;article data-role="assistant"&gt;</c> as the page renders it:
    /// its UTF-8 length, its status, and how many distinct chunk markers it holds.
    /// </summary>
    public static async Task CheckStoredAsync(HttpClient client, ReplyObservation reply, int chunks, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/chat/{reply.ChatId:D}");
        request.Headers.Add("Cookie", reply.Cookies);
        using var response = await client.SendAsync(request, cancellationToken);
        var html = await response.Content.ReadAsStringAsync(cancellationToken);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            reply.StoredStatus = $"HTTP {(int)response.StatusCode}";
            return;
        }

        var role = html.IndexOf("data-role=\"assistant\"", StringComparison.Ordinal);
        var start = role < 0 ? -1 : html.LastIndexOf("<article", role, StringComparison.Ordinal);
        var end = start < 0 ? -1 : html.IndexOf("</article>", start, StringComparison.Ordinal);
        if (end < 0)
        {
            reply.StoredStatus = "no assistant article";
            return;
        }

        var article = html[start..(end + "</article>".Length)];
        reply.FinalHtmlBytes = Encoding.UTF8.GetByteCount(article);
        var status = StatusPattern().Match(article);
        reply.StoredStatus = status.Success ? status.Groups[1].Value : "?";
        var seen = new bool[chunks];
        var count = 0;
        MarkerScanner.Scan(Encoding.UTF8.GetBytes(article), ref count, (int seq, ref int n) =>
        {
            if (seq < seen.Length && !seen[seq])
            {
                seen[seq] = true;
                n++;
            }
        });
        reply.StoredMarkers = count;
    }

    private static string? CookiePair(HttpResponseMessage response, string name)
    {
        if (!response.Headers.TryGetValues("Set-Cookie", out var cookies))
        {
            return null;
        }

        foreach (var cookie in cookies)
        {
            if (cookie.StartsWith(name + "=", StringComparison.Ordinal))
            {
                var semi = cookie.IndexOf(';', StringComparison.Ordinal);
                return semi < 0 ? cookie : cookie[..semi];
            }
        }

        return null;
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\"[^>]*?value=\"([^\"]+)\"")]
    private static partial Regex TokenPattern();

    [GeneratedRegex(@"^/chat/([0-9a-fA-F-]{36})$")]
    private static partial Regex ChatIdPattern();

    [GeneratedRegex("data-status=\"([a-z]+)\"")]
    private static partial Regex StatusPattern();
}

/// <summary>A step of a client flow that did not answer as expected (counted as an error, not a crash).</summary>
public sealed class BenchStepException(string message) : Exception(message);
