namespace OpenChat.Web.Live;

/// <summary>
/// Finds where a growing Markdown text can be cut into finished blocks: after a blank line that is not
/// inside a fenced code block. Everything before the cut renders once, as it will finally look; only the
/// unfinished tail after it changes as text arrives. Each character is scanned once.
/// </summary>
public sealed class LiveMarkdownSplitter
{
    private int _scanned;
    private int _lineStart;
    private bool _inFence;
    private char _fenceChar;
    private int _fenceLength;
    private bool _previousLineBlank;

    /// <summary>Length of the prefix made of finished blocks.</summary>
    public int CommittedLength { get; private set; }

    /// <summary>Scans text appended since the last call; returns true when <see cref="CommittedLength"/> moved.</summary>
    public bool Advance(System.Text.StringBuilder text)
    {
        var moved = false;
        for (var i = _scanned; i < text.Length; i++)
        {
            if (text[i] != '\n')
            {
                continue;
            }

            if (EndLine(text, _lineStart, i))
            {
                CommittedLength = i + 1;
                moved = true;
            }

            _lineStart = i + 1;
        }

        _scanned = text.Length;
        return moved;
    }

    /// <returns>True when the text up to and including this line ends a block.</returns>
    private bool EndLine(System.Text.StringBuilder text, int start, int end)
    {
        var indent = 0;
        while (start + indent < end && text[start + indent] == ' ' && indent < 4)
        {
            indent++;
        }

        var content = start + indent;
        var blank = content >= end || IsBlank(text, content, end);
        if (indent < 4 && content < end && (text[content] == '`' || text[content] == '~'))
        {
            var marker = text[content];
            var run = 0;
            while (content + run < end && text[content + run] == marker)
            {
                run++;
            }

            if (run >= 3)
            {
                if (!_inFence)
                {
                    _inFence = true;
                    _fenceChar = marker;
                    _fenceLength = run;
                    _previousLineBlank = false;
                    return false;
                }

                if (marker == _fenceChar && run >= _fenceLength && IsBlank(text, content + run, end))
                {
                    _inFence = false;
                    _previousLineBlank = false;
                    return true; // a closed fence is a finished block
                }
            }
        }

        if (_inFence)
        {
            return false;
        }

        var endsBlock = blank && !_previousLineBlank && start > 0;
        _previousLineBlank = blank;
        return endsBlock;
    }

    private static bool IsBlank(System.Text.StringBuilder text, int from, int end)
    {
        for (var i = from; i < end; i++)
        {
            if (!char.IsWhiteSpace(text[i]))
            {
                return false;
            }
        }

        return true;
    }
}
