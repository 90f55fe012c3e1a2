namespace BatchFactory.Operators;

/// <summary>
/// Writes each entry's text under the headings of its heading path, in stream order: to one file, or with a file key
/// to one file per value of that field (<c>&lt;folder&gt;/&lt;value&gt;.md</c>), each holding its entries in stream order.
/// </summary>
internal sealed class WriteMarkdownEntriesOp : WriterOp
{
    private readonly string _textKey;
    private readonly string _headingsKey;
    private readonly string? _fileKey;

    public WriteMarkdownEntriesOp(string path, string textKey, string headingsKey, string? fileKey)
        : base("WriteMarkdownEntries", FileChecks.Path(path, "WriteMarkdownEntries", nameof(path)))
    {
        ArgumentException.ThrowIfNullOrEmpty(textKey);
        ArgumentException.ThrowIfNullOrEmpty(headingsKey);
        if (fileKey is { Length: 0 })
        {
            throw new ArgumentException("WriteMarkdownEntries: fileKey must not be empty; pass null to write one file.", nameof(fileKey));
        }

        _textKey = textKey;
        _headingsKey = headingsKey;
        _fileKey = fileKey;
    }

    private protected override string Describe() =>
        $"{Path}: {_textKey} under {_headingsKey}" + (_fileKey is null ? string.Empty : $", a file per {_fileKey}");

    protected override async Task WriteAsync(IReadOnlyList<Entry> entries, AtomicFiles files, CancellationToken cancellationToken)
    {
        if (_fileKey is null)
        {
            await MarkdownFiles.WriteAsync(files, Path, entries, Write, cancellationToken).ConfigureAwait(false);
            return;
        }

        var folder = System.IO.Path.GetFullPath(Path);
        foreach (var group in entries.GroupBy(e => FileChecks.InFolder(Kind, folder, e.Get<string>(_fileKey) + ".md", e, _fileKey), FileChecks.Names))
        {
            await MarkdownFiles.WriteAsync(files, group.Key, group, Write, cancellationToken).ConfigureAwait(false);
        }
    }

    private void Write(Entry entry, HeadingWriter headings, TextWriter text)
    {
        var path = MarkdownFiles.Headings(entry, _headingsKey);
        var body = entry.Get<string>(_textKey);
        MarkdownFiles.Checked(Kind, entry, _headingsKey, () => headings.MoveTo(path, repeatSame: true));
        headings.BeginBlock();
        foreach (var line in body.Trim('\r', '\n').Split('\n'))
        {
            text.WriteLine(MarkdownSyntax.Escape(line.TrimEnd('\r')));
        }
    }
}
