namespace OpenChat.Bench.Scenarios.Stream;

/// <summary>Finds chunk markers (<c>q</c> + 4 digits, not followed by a digit) in UTF-8 bytes.</summary>
public static class MarkerScanner
{
    /// <summary>Calls <paramref name="found"/> with each marker's sequence number, in order.</summary>
    public static void Scan<TState>(ReadOnlySpan<byte> data, ref TState state, MarkerAction<TState> found)
    {
        var i = 0;
        while (true)
        {
            var q = data[i..].IndexOf((byte)'q');
            if (q < 0)
            {
                return;
            }

            i += q + 1;
            if (i + 4 > data.Length)
            {
                return;
            }

            var value = 0;
            var ok = true;
            for (var k = 0; k < 4; k++)
            {
                var b = data[i + k];
                if (b is < (byte)'0' or > (byte)'9')
                {
                    ok = false;
                    break;
                }

                value = value * 10 + (b - '0');
            }

            if (ok && (i + 4 == data.Length || data[i + 4] is < (byte)'0' or > (byte)'9'))
            {
                found(value, ref state);
                i += 4;
            }
        }
    }
}

public delegate void MarkerAction<TState>(int sequence, ref TState state);

public delegate void SseEventHandler(string name, ReadOnlySpan<byte> data);

/// <summary>
/// Incremental server-sent-events parser over raw bytes: feed it what a read returned; it calls back once per
/// complete event with the event name (empty for <c>message</c>) and the data lines joined by <c>\n</c>.
/// </summary>
public sealed class SseParser
{
    private readonly List<byte> _line = new(256);
    private readonly List<byte> _data = new(1024);
    private string _event = string.Empty;
    private bool _hasData;

    public void Feed(ReadOnlySpan<byte> bytes, SseEventHandler onEvent)
    {
        foreach (var b in bytes)
        {
            if (b != (byte)'\n')
            {
                _line.Add(b);
                continue;
            }

            var line = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_line);
            if (line.Length > 0 && line[^1] == (byte)'\r')
            {
                line = line[..^1];
            }

            if (line.Length == 0)
            {
                if (_hasData)
                {
                    onEvent(_event, System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_data));
                }

                _event = string.Empty;
                _data.Clear();
                _hasData = false;
            }
            else if (line.StartsWith("data:"u8))
            {
                var value = line[5..];
                if (value.Length > 0 && value[0] == (byte)' ')
                {
                    value = value[1..];
                }

                if (_hasData)
                {
                    _data.Add((byte)'\n');
                }

                _data.AddRange(value);
                _hasData = true;
            }
            else if (line.StartsWith("event:"u8))
            {
                _event = System.Text.Encoding.UTF8.GetString(line[6..]).Trim();
            }

            _line.Clear();
        }
    }
}
