namespace BatchFactory.Operators;

/// <summary>Writes each entry's text to its own file in a folder, named by a field (a path relative to the folder), as UTF-8.</summary>
internal sealed class WriteTxtFolderOp : WriterOp
{
    private readonly string _textKey;
    private readonly string _fileKey;

    public WriteTxtFolderOp(string folder, string textKey, string fileKey)
        : base("WriteTxtFolder", FileChecks.Path(folder, "WriteTxtFolder", nameof(folder)))
    {
        ArgumentException.ThrowIfNullOrEmpty(textKey);
        ArgumentException.ThrowIfNullOrEmpty(fileKey);
        _textKey = textKey;
        _fileKey = fileKey;
    }

    private protected override string Describe() => $"{Path}: {_fileKey} <- {_textKey}";

    protected override async Task WriteAsync(IReadOnlyList<Entry> entries, AtomicFiles files, CancellationToken cancellationToken)
    {
        var folder = System.IO.Path.GetFullPath(Path);
        var written = new Dictionary<string, string>(FileChecks.Names);
        foreach (var entry in entries)
        {
            var name = entry.Get<string>(_fileKey);
            var text = entry.Get<string>(_textKey);
            var file = FileChecks.InFolder(Kind, folder, name, entry, _fileKey);
            if (!written.TryAdd(file, entry.Idx))
            {
                throw new EntryFieldException(entry.Idx, _fileKey, $"{Kind}: entries '{written[file]}' and '{entry.Idx}' both name the file '{name}'; give each entry its own file name.");
            }

            await files.WriteAsync(file, (stream, token) => stream.WriteAsync(StrictUtf8.NoBom.GetBytes(text), token).AsTask(), cancellationToken).ConfigureAwait(false);
        }
    }
}
