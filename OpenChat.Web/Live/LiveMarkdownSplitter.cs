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
    private int _fenceStart;
    private int _fenceContentStart;
    private string _fenceLanguage = string.Empty;

    /// <summary>Length of the prefix made of finished blocks.</summary>
    public int CommittedLength { get; private set; }

    /// <summary>
    /// The fenced code block still open at the end of the text, when it starts at <see cref="CommittedLength"/> (so the tail is
    /// exactly that code): where its code begins and its language. Null otherwise.
    /// </summary>
    public OpenFence? Fence => _inFence && _fenceStart == CommittedLength ? new OpenFence(_fenceContentStart, _fenceLanguage) : null;

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

            var wasInFence = _inFence;
            if (EndLine(text, _lineStart, i))
            {
                CommittedLength = i + 1;
                moved = true;
            }
            else if (!wasInFence && _inFence && _fenceStart == _lineStart && _lineStart > CommittedLength && text[_lineStart] is '`' or '~')
            {
                // A fence at the margin ends the paragraph before it: that text is finished, and the tail becomes the code.
                CommittedLength = _lineStart;
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
                    _fenceStart = start;
                    _fenceContentStart = end + 1;
                    var info = text.ToString(content + run, end - content - run).Trim();
                    var space = info.IndexOfAny([' ', '\t']);
                    _fenceLanguage = space < 0 ? info : info[..space];
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

    /// <summary>An open fenced code block: its code starts at <paramref name="ContentStart"/>; <paramref name="Language"/> may be empty.</summary>
    public sealed record OpenFence(int ContentStart, string Language);

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
