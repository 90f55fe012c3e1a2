namespace BatchFactory.Operators;

/// <summary>Writes entries to a Markdown file: UTF-8 without a byte order mark, <c>\n</c> line ends, headings from each entry's heading path.</summary>
internal static class MarkdownFiles
{
    /// <summary>Writes <paramref name="entries"/> in order to <paramref name="path"/> (through <paramref name="files"/>), each with <paramref name="write"/>.</summary>
    public static Task WriteAsync(AtomicFiles files, string path, IEnumerable<Entry> entries, Action<Entry, HeadingWriter, TextWriter> write, CancellationToken cancellationToken) =>
        files.WriteAsync(
            path,
            async (stream, token) =>
            {
                await using var text = new StreamWriter(stream, StrictUtf8.NoBom, 64 * 1024, leaveOpen: true) { NewLine = "\n" };
                var headings = new HeadingWriter(text);
                foreach (var entry in entries)
                {
                    token.ThrowIfCancellationRequested();
                    write(entry, headings, text);
                }

                await text.FlushAsync(token).ConfigureAwait(false);
            },
            cancellationToken);

    /// <summary>The heading path of an entry: a list of strings, or none when the field is missing or null.</summary>
    public static string[] Headings(Entry entry, string headingsKey) => entry.GetOrDefault<string[]>(headingsKey, []) ?? [];

    /// <summary>Runs a step that may refuse the entry's content, turning the refusal into an error that names the entry and field.</summary>
    public static void Checked(string opName, Entry entry, string field, Action step)
    {
        try
        {
            step();
        }
        catch (InvalidOperationException ex)
        {
            throw new EntryFieldException(entry.Idx, field, $"{opName} cannot write entry '{entry.Idx}': field '{field}': {ex.Message}", ex);
        }
    }
}
