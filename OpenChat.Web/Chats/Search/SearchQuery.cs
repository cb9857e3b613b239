using System.Text;

namespace OpenChat.Web.Chats.Search;

/// <summary>
/// What a person typed, reduced to words (letters and digits only, lower case): every word must match,
/// the last one as a prefix because it is probably still being typed. Nothing the person typed reaches
/// SQL except as these words inside a bound parameter.
/// </summary>
public sealed class SearchQuery
{
    public const int MaxTerms = 8;
    public const int MaxTermLength = 64;
    public const char MarkStart = '\u0002';
    public const char MarkEnd = '\u0003';

    private SearchQuery(IReadOnlyList<string> terms) => Terms = terms;

    public IReadOnlyList<string> Terms { get; }

    /// <returns>Null when the text has no word to search for.</returns>
    public static SearchQuery? Parse(string? text)
    {
        var terms = Words(text ?? string.Empty).Select(w => w.Word).Where(w => w.Length <= MaxTermLength).Distinct().Take(MaxTerms).ToList();
        return terms.Count == 0 ? null : new SearchQuery(terms);
    }

    /// <summary>A Postgres <c>tsquery</c> for the 'simple' configuration: <c>alpha &amp; beta:*</c>.</summary>
    public string ToTsQuery() => string.Join(" & ", Terms.Select((t, i) => i == Terms.Count - 1 ? t + ":*" : t));

    /// <summary>Whether a word of a text (already lower case) matches one of the terms, the way <see cref="ToTsQuery"/> does.</summary>
    public bool MatchesWord(string word)
    {
        for (var i = 0; i < Terms.Count; i++)
        {
            if (i == Terms.Count - 1 ? word.StartsWith(Terms[i], StringComparison.Ordinal) : word == Terms[i])
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Every term matches some word of the text.</summary>
    public bool Matches(string text)
    {
        var words = Words(text).Select(w => w.Word).ToHashSet();
        for (var i = 0; i < Terms.Count; i++)
        {
            var term = Terms[i];
            var found = i == Terms.Count - 1 ? words.Any(w => w.StartsWith(term, StringComparison.Ordinal)) : words.Contains(term);
            if (!found)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>About <paramref name="width"/> characters of <paramref name="text"/> around its first match, with matches marked.</summary>
    public string Snippet(string text, int width = 120)
    {
        var words = Words(text).ToList();
        var first = words.FirstOrDefault(w => MatchesWord(w.Word));
        var start = first.Word is null ? 0 : Math.Max(0, first.Start - (width / 3));
        if (start > 0)
        {
            var space = text.IndexOf(' ', start);
            start = space >= 0 && space < first.Start ? space + 1 : start;
        }

        var end = Math.Min(text.Length, start + width);
        var builder = new StringBuilder(end - start + 16);
        if (start > 0)
        {
            builder.Append('…');
        }

        var at = start;
        foreach (var (word, wordStart) in words)
        {
            if (wordStart < start || wordStart + word.Length > end || !MatchesWord(word))
            {
                continue;
            }

            builder.Append(Clean(text[at..wordStart])).Append(MarkStart).Append(Clean(text.Substring(wordStart, word.Length))).Append(MarkEnd);
            at = wordStart + word.Length;
        }

        builder.Append(Clean(text[at..end]));
        if (end < text.Length)
        {
            builder.Append('…');
        }

        return builder.ToString();
    }

    /// <summary>The words of a text (runs of letters and digits), lower case, with where each starts.</summary>
    public static IEnumerable<(string Word, int Start)> Words(string text)
    {
        var start = -1;
        for (var i = 0; i <= text.Length; i++)
        {
            var inWord = i < text.Length && char.IsLetterOrDigit(text[i]);
            if (inWord && start < 0)
            {
                start = i;
            }
            else if (!inWord && start >= 0)
            {
                yield return (text[start..i].ToLowerInvariant(), start);
                start = -1;
            }
        }
    }

    /// <summary>Whitespace folded to single spaces and the mark characters removed, so only the search can mark text.</summary>
    public static string Clean(string text)
    {
        var builder = new StringBuilder(text.Length);
        var space = false;
        foreach (var c in text)
        {
            if (c is MarkStart or MarkEnd)
            {
                continue;
            }

            if (char.IsWhiteSpace(c))
            {
                space = true;
                continue;
            }

            if (space)
            {
                builder.Append(' ');
            }

            space = false;
            builder.Append(c);
        }

        if (space)
        {
            builder.Append(' ');
        }

        return builder.ToString();
    }
}
