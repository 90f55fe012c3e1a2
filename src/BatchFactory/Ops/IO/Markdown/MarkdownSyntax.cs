namespace BatchFactory.Operators;

/// <summary>
/// The little Markdown the Markdown ops read and write: ATX headings (<c>#</c> to any depth, up to three spaces of
/// indent), list items (<c>- </c>, <c>* </c>, <c>+ </c>, <c>1. </c>, <c>1) </c>) and plain lines. A text line that would
/// read as a heading is written with a backslash before its <c>#</c>, which the reader removes again.
/// </summary>
internal static class MarkdownSyntax
{
    /// <summary>Whether <paramref name="line"/> is a heading; gives its level (1 for <c>#</c>) and its text, trimmed.</summary>
    public static bool TryHeading(string line, out int level, out string text)
    {
        var span = line.AsSpan();
        var indent = span.Length - span.TrimStart(' ').Length;
        var hashes = span[indent..].Length - span[indent..].TrimStart('#').Length;
        var rest = span[(indent + hashes)..];
        if (indent > 3 || hashes == 0 || (rest.Length > 0 && rest[0] is not (' ' or '\t')))
        {
            level = 0;
            text = string.Empty;
            return false;
        }

        level = hashes;
        text = rest.Trim().ToString();
        return true;
    }

    /// <summary>The line without a leading list marker, trimmed.</summary>
    public static string WithoutListMarker(string line)
    {
        var span = line.AsSpan().Trim();
        if (span.Length >= 2 && span[0] is '-' or '*' or '+' && span[1] is ' ' or '\t')
        {
            return span[2..].TrimStart().ToString();
        }

        var digits = span.Length - span.TrimStart("0123456789").Length;
        if (digits is > 0 and <= 9 && span.Length > digits + 1 && span[digits] is '.' or ')' && span[digits + 1] is ' ' or '\t')
        {
            return span[(digits + 2)..].TrimStart().ToString();
        }

        return span.ToString();
    }

    /// <summary>A text line as written: one that would read as a heading gets one more backslash before its <c>#</c>.</summary>
    public static string Escape(string line) => IsEscapedOrHeadingLike(line, out var at) ? line.Insert(at, "\\") : line;

    /// <summary>A text line as read: undoes <see cref="Escape"/>.</summary>
    public static string Unescape(string line) => IsEscapedOrHeadingLike(line, out var at) && line[at] == '\\' ? line.Remove(at, 1) : line;

    /// <summary>The heading line of <paramref name="text"/> at <paramref name="level"/>.</summary>
    public static string Heading(int level, string text) => $"{new string('#', level)} {text}";

    // Lines of the form: spaces, backslashes, '#'. `at` is where the backslashes (or the '#') start.
    private static bool IsEscapedOrHeadingLike(string line, out int at)
    {
        var span = line.AsSpan();
        at = span.Length - span.TrimStart(' ').Length;
        var rest = span[at..].TrimStart('\\');
        return rest.Length > 0 && rest[0] == '#';
    }
}
