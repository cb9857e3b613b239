using System.Text;

namespace OpenChat.Bench.Infrastructure;

public enum Align
{
    Left,
    Right,
}

/// <summary>A titled table of strings, printed as aligned plain text or as Markdown.</summary>
public sealed class Table(string title, params (string Header, Align Align)[] columns)
{
    private readonly List<string[]> _rows = [];
    private readonly List<int> _separatorsBefore = [];

    public string Title { get; } = title;

    public IReadOnlyList<(string Header, Align Align)> Columns { get; } = columns;

    public IReadOnlyList<string[]> Rows => _rows;

    public Table AddRow(params string[] cells)
    {
        if (cells.Length != Columns.Count)
        {
            throw new ArgumentException($"Table '{Title}' has {Columns.Count} columns, got a row of {cells.Length}.");
        }

        _rows.Add(cells);
        return this;
    }

    /// <summary>A rule before the next row in the text form (for totals); Markdown ignores it.</summary>
    public Table AddSeparator()
    {
        _separatorsBefore.Add(_rows.Count);
        return this;
    }

    public string ToText()
    {
        var widths = Columns.Select((c, i) => Math.Max(c.Header.Length, _rows.Count == 0 ? 0 : _rows.Max(r => r[i].Length))).ToArray();
        var sb = new StringBuilder();
        sb.Append(Title).Append('\n');
        AppendLine(sb, Columns.Select(c => c.Header).ToArray(), widths);
        var rule = string.Join("  ", widths.Select(w => new string('-', w)));
        sb.Append(rule).Append('\n');
        for (var i = 0; i < _rows.Count; i++)
        {
            if (_separatorsBefore.Contains(i))
            {
                sb.Append(rule).Append('\n');
            }

            AppendLine(sb, _rows[i], widths);
        }

        return sb.ToString();
    }

    public string ToMarkdown()
    {
        var sb = new StringBuilder();
        sb.Append("### ").Append(Title).Append("\n\n");
        sb.Append("| ").Append(string.Join(" | ", Columns.Select(c => Escape(c.Header)))).Append(" |\n");
        sb.Append('|').Append(string.Join('|', Columns.Select(c => c.Align == Align.Right ? "---:" : "---"))).Append("|\n");
        foreach (var row in _rows)
        {
            sb.Append("| ").Append(string.Join(" | ", row.Select(Escape))).Append(" |\n");
        }

        return sb.ToString();
    }

    private void AppendLine(StringBuilder sb, string[] cells, int[] widths)
    {
        var start = sb.Length;
        for (var i = 0; i < cells.Length; i++)
        {
            if (i > 0)
            {
                sb.Append("  ");
            }

            var last = i == cells.Length - 1;
            sb.Append(Columns[i].Align == Align.Right ? cells[i].PadLeft(widths[i]) : last ? cells[i] : cells[i].PadRight(widths[i]));
        }

        while (sb.Length > start && sb[^1] == ' ')
        {
            sb.Length--;
        }

        sb.Append('\n');
    }

    private static string Escape(string cell) => cell.Replace("|", "\\|", StringComparison.Ordinal);
}
