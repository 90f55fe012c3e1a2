namespace BatchFactory.Operators;

/// <summary>
/// Writes the headings of a Markdown file from each entry's heading path: only the headings that differ from the
/// previous entry's, so entries under the same headings share them. The op names the entry in errors.
/// </summary>
internal sealed class HeadingWriter(TextWriter writer)
{
    private string[] _current = [];
    private bool _started;

    /// <summary>How many heading lines have been written so far.</summary>
    public int HeadingsWritten { get; private set; }

    /// <summary>
    /// Moves to <paramref name="path"/>, writing the headings needed. With <paramref name="repeatSame"/>, the same path as
    /// before writes its last heading again (so that two sections stay two sections when read back).
    /// </summary>
    /// <exception cref="InvalidOperationException">The path is empty but follows a non-empty one, which no heading can express.</exception>
    public void MoveTo(IReadOnlyList<string> path, bool repeatSame)
    {
        if (path.Count == 0 && _current.Length > 0)
        {
            throw new InvalidOperationException("it has no headings but comes after entries that have some, so it would land under their headings; put entries without headings first (SortMarkdownEntries does).");
        }

        var common = 0;
        while (common < path.Count && common < _current.Length && path[common] == _current[common])
        {
            common++;
        }

        // Back up one level to a path we were inside of (or stay in the same one, when asked), to write its last heading again.
        if (common == path.Count && path.Count > 0 && (path.Count < _current.Length || repeatSame))
        {
            common--;
        }

        for (var level = common; level < path.Count; level++)
        {
            BeginBlock();
            writer.WriteLine(MarkdownSyntax.Heading(level + 1, OneLine(path[level], "a heading")));
            HeadingsWritten++;
        }

        _current = [.. path];
    }

    /// <summary>Starts a block (a heading, a paragraph, a list): a blank line before anything but the first.</summary>
    public void BeginBlock()
    {
        if (_started)
        {
            writer.WriteLine();
        }

        _started = true;
    }

    /// <summary>Refuses text that cannot be one line of Markdown: empty, blank or with a line break.</summary>
    /// <exception cref="InvalidOperationException">The text is blank or has a line break.</exception>
    public static string OneLine(string text, string what)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            throw new InvalidOperationException($"{what} must not be empty or blank: it would not read back.");
        }

        return text.AsSpan().IndexOfAny('\r', '\n') < 0 ? text : throw new InvalidOperationException($"{what} must be one line, but '{text.ReplaceLineEndings(" ")}' has a line break.");
    }
}
