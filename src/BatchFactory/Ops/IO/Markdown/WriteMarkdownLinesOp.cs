namespace BatchFactory.Operators;

/// <summary>Writes each entry's keyword as a list item under the headings of its heading path, in stream order.</summary>
internal sealed class WriteMarkdownLinesOp : WriterOp
{
    private readonly string _keywordKey;
    private readonly string _headingsKey;

    public WriteMarkdownLinesOp(string path, string keywordKey, string headingsKey)
        : base("WriteMarkdownLines", FileChecks.Path(path, "WriteMarkdownLines", nameof(path)))
    {
        ArgumentException.ThrowIfNullOrEmpty(keywordKey);
        ArgumentException.ThrowIfNullOrEmpty(headingsKey);
        _keywordKey = keywordKey;
        _headingsKey = headingsKey;
    }

    private protected override string Describe() => $"{Path}: {_keywordKey} under {_headingsKey}";

    protected override Task WriteAsync(IReadOnlyList<Entry> entries, AtomicFiles files, CancellationToken cancellationToken)
    {
        var inList = false;
        return MarkdownFiles.WriteAsync(files, Path, entries, Write, cancellationToken);

        void Write(Entry entry, HeadingWriter headings, TextWriter text)
        {
            var path = MarkdownFiles.Headings(entry, _headingsKey);
            var keyword = entry.Get<string>(_keywordKey);
            MarkdownFiles.Checked(Kind, entry, _headingsKey, () =>
            {
                var before = headings.HeadingsWritten;
                headings.MoveTo(path, repeatSame: false);
                inList &= headings.HeadingsWritten == before;
            });
            MarkdownFiles.Checked(Kind, entry, _keywordKey, () => HeadingWriter.OneLine(keyword, "a keyword"));
            if (!inList)
            {
                headings.BeginBlock();
                inList = true;
            }

            text.WriteLine($"- {keyword}");
        }
    }
}
