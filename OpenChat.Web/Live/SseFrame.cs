using System.Text;

namespace OpenChat.Web.Live;

/// <summary>
/// One server-sent event, encoded to UTF-8 once and shared by every tab that receives it.
/// Unnamed events (<c>message</c>) cost 8 bytes of framing, which matters for per-token deltas.
/// </summary>
public sealed class SseFrame
{
    private SseFrame(byte[] bytes) => Bytes = bytes;

    public byte[] Bytes { get; }

    /// <summary>A keep-alive comment: proxies see traffic and the browser ignores it.</summary>
    public static SseFrame KeepAlive { get; } = new("\n: ping\n\n"u8.ToArray());

    /// <summary>Sets the browser's reconnection delay to a minute (sent to a stream closed to make room for newer ones).</summary>
    public static SseFrame SlowReconnect { get; } = new("retry: 60000\n\n"u8.ToArray());

    public static SseFrame Create(string? eventName, string data)
    {
        if (data.Contains('\r', StringComparison.Ordinal))
        {
            data = data.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n');
        }

        var builder = new StringBuilder(data.Length + 32);
        if (eventName is not null)
        {
            builder.Append("event: ").Append(eventName).Append('\n');
        }

        var start = 0;
        while (true)
        {
            var newline = data.IndexOf('\n', start);
            var end = newline < 0 ? data.Length : newline;
            if (end > start && data[end - 1] == '\r')
            {
                end--;
            }

            builder.Append("data: ").Append(data, start, end - start).Append('\n');
            if (newline < 0)
            {
                break;
            }

            start = newline + 1;
        }

        builder.Append('\n');
        return new SseFrame(Encoding.UTF8.GetBytes(builder.ToString()));
    }
}
