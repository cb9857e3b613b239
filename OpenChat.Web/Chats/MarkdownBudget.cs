namespace OpenChat.Web.Chats;

/// <summary>
/// Whether Markdig can render a text in bounded time and size, decided in one linear pass before parsing. Markdig's inline
/// parsing grows with the square of the unclosed delimiters in one paragraph (<c>*a *a…</c>, <c>[a](…</c>, <c>^a…</c>,
/// footnote references); a pipe table pads every row to its header's width (many columns × many short rows became 33 MB
/// of HTML from 22 KB); deep nesting makes it throw. A text outside these bounds is shown as plain text. Ordinary replies,
/// long tables included, are far inside them. Counting is per block (lines between blank lines, fenced code skipped), which
/// is never smaller than Markdig's paragraphs, so the estimate errs on the safe side.
/// </summary>
public static class MarkdownBudget
{
    /// <summary>Longer texts are never parsed (a reply is capped far below: 8,192 tokens).</summary>
    public const int MaxCharacters = 64 * 1024;

    /// <summary>The sum over blocks of (emphasis, link and footnote delimiters)²: about 80 ms of Markdig at worst.</summary>
    public const long MaxDelimiterWork = 4_000_000;

    /// <summary>Cells a block's widest line could pad every other line of it to (a 200-row, 10-column table is 2,000).</summary>
    public const long MaxTableCells = 20_000;

    /// <summary>Leading spaces, quote and list markers of one line (ten nested levels need about 40).</summary>
    public const int MaxLinePrefix = 100;

    public static bool Allows(string text)
    {
        if (text.Length > MaxCharacters)
        {
            return false;
        }

        var block = new BlockCost();
        var inFence = false;
        var fenceChar = '\0';
        var fenceLength = 0;
        var start = 0;
        while (start <= text.Length)
        {
            var newline = text.IndexOf('\n', start);
            var end = newline < 0 ? text.Length : newline;
            var line = text.AsSpan(start, end - start);
            start = end + 1;

            var content = line.TrimStart(' ');
            var fence = line.Length - content.Length < 4 && content.Length >= 3 && content[0] is '`' or '~' ? Run(content, content[0]) : 0;
            if (fence >= 3 && !inFence)
            {
                inFence = true;
                fenceChar = content[0];
                fenceLength = fence;
                continue;
            }

            if (inFence)
            {
                inFence = !(fence >= fenceLength && content[0] == fenceChar && content[fence..].IsWhiteSpace());
                continue;
            }

            if (line.IsWhiteSpace())
            {
                if (!block.End())
                {
                    return false;
                }

                continue;
            }

            if (Prefix(line) > MaxLinePrefix)
            {
                return false;
            }

            block.Add(line);
        }

        return block.End();
    }

    private static int Run(ReadOnlySpan<char> text, char c)
    {
        var run = 0;
        while (run < text.Length && text[run] == c)
        {
            run++;
        }

        return run;
    }

    private static int Prefix(ReadOnlySpan<char> line)
    {
        var length = 0;
        while (length < line.Length && line[length] is ' ' or '\t' or '>' or '-' or '+' or '*' or '.' or ')' or (>= '0' and <= '9'))
        {
            length++;
        }

        return length;
    }

    private struct BlockCost
    {
        private long _work;
        private long _delimiters;
        private long _lines;
        private long _widest;

        public void Add(ReadOnlySpan<char> line)
        {
            var pipes = 0;
            foreach (var c in line)
            {
                switch (c)
                {
                    case '[' or '*' or '^' or '~' or '=':
                        _delimiters++;
                        break;
                    case '|':
                        pipes++;
                        break;
                }
            }

            _lines++;
            _widest = Math.Max(_widest, pipes);
        }

        /// <returns>False when the text is over budget.</returns>
        public bool End()
        {
            _work += _delimiters * _delimiters;
            var withinBudget = _work <= MaxDelimiterWork && _widest * _lines <= MaxTableCells;
            _delimiters = 0;
            _lines = 0;
            _widest = 0;
            return withinBudget;
        }
    }
}
