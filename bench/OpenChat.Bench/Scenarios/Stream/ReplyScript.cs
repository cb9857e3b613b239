using System.Globalization;
using System.Text;
using System.Text.Json;

namespace OpenChat.Bench.Scenarios.Stream;

/// <summary>
/// The reply the fake upstream writes: realistic Markdown (a heading, paragraphs with bold and inline code, a
/// list, a fenced C# block) cut into small chunks. Every chunk carries exactly one marker word
/// <c>q0000</c>..<c>q9999</c> (its sequence number), which survives HTML escaping, Markdown rendering and JSON, so a
/// client can tell when each chunk reached it. Every reply sends the same script, so chunk frames are encoded once.
/// </summary>
public sealed class ReplyScript
{
    private ReplyScript(IReadOnlyList<string> chunks)
    {
        Chunks = chunks;
        Text = string.Concat(chunks);
        ChunkFrames = chunks.Select(c => Frame(new
        {
            id = "gen-1",
            @object = "chat.completion.chunk",
            created = 1,
            model = "m",
            choices = new[] { new { index = 0, delta = new { content = c }, finish_reason = (string?)null } },
        })).ToArray();
        StopFrame = Frame(new
        {
            id = "gen-1",
            @object = "chat.completion.chunk",
            created = 1,
            model = "m",
            choices = new[] { new { index = 0, delta = new { content = "" }, finish_reason = "stop" } },
        });
        var completionTokens = Math.Max(1, Text.Length / 4);
        UsageFrame = Frame(new
        {
            id = "gen-1",
            @object = "chat.completion.chunk",
            created = 1,
            model = "m",
            choices = Array.Empty<object>(),
            usage = new { prompt_tokens = 12, completion_tokens = completionTokens, total_tokens = 12 + completionTokens, cost = 0.0001 },
        });
    }

    public const int MaxChunks = 10_000;

    public IReadOnlyList<string> Chunks { get; }

    public string Text { get; }

    /// <summary><c>data: {chunk json}\n\n</c> per chunk, UTF-8.</summary>
    public IReadOnlyList<byte[]> ChunkFrames { get; }

    public byte[] StopFrame { get; }

    public byte[] UsageFrame { get; }

    public static byte[] DoneFrame { get; } = "data: [DONE]\n\n"u8.ToArray();

    public static byte[] ProcessingComment { get; } = ": OPENROUTER PROCESSING\n\n"u8.ToArray();

    public static string Marker(int sequence) => "q" + sequence.ToString("D4", CultureInfo.InvariantCulture);

    public static ReplyScript Create(int chunkCount, bool includeCode = true)
    {
        if (chunkCount is < 10 or > MaxChunks)
        {
            throw new ArgumentOutOfRangeException(nameof(chunkCount), "10..10000 chunks");
        }

        // Block templates; {0} is where the chunk's marker goes. Each block ends with a blank line (a finished block).
        string[][] blocks =
        [
            ["## Plan {0}", " for {0}\n\n"],
            ["Here is {0}", " a **{0}**", " that {0}", " keeps {0}", " the `{0}`", " short {0}", " and {0}", " clear {0}", " with {0}", " one {0}", " more {0}.\n\n"],
            ["- first {0}", " item {0}\n", "- second {0}", " `{0}`\n", "- third {0}", " **{0}**\n\n"],
            ["```csharp\n// {0}\n", "var {0} = 1;\n", "var {0} = \"x\";\n", "if ({0} > 0) {{ }}\n", "// {0}\n```\n\n"],
            ["Then {0}", " it {0}", " runs {0}", " as {0}", " before {0}", " when {0}", " you {0}", " call {0}", " it {0}.\n\n"],
        ];

        if (!includeCode)
        {
            blocks = blocks.Where(b => !b[0].StartsWith("```", StringComparison.Ordinal)).ToArray();
        }

        var chunks = new List<string>(chunkCount);
        var block = 0;
        while (chunks.Count < chunkCount)
        {
            var template = blocks[block++ % blocks.Length];
            if (chunks.Count + template.Length <= chunkCount)
            {
                foreach (var part in template)
                {
                    chunks.Add(string.Format(CultureInfo.InvariantCulture, part, Marker(chunks.Count)));
                }
            }
            else
            {
                // Fill the rest with one last paragraph.
                while (chunks.Count < chunkCount)
                {
                    var last = chunks.Count == chunkCount - 1;
                    chunks.Add(" end " + Marker(chunks.Count) + (last ? ".\n" : string.Empty));
                }
            }
        }

        return new ReplyScript(chunks);
    }

    private static byte[] Frame<T>(T payload) =>
        Encoding.UTF8.GetBytes("data: " + JsonSerializer.Serialize(payload) + "\n\n");
}
