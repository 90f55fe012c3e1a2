using System.Text.Json.Nodes;
using BatchFactory.Engine;

namespace BatchFactory.Operators;

/// <summary>Reads the text files of a folder that match a pattern: one entry per file, with its path relative to the folder and its whole text.</summary>
internal sealed class ReadTxtFolderOp : FileSourceOp
{
    private readonly string[] _pattern;
    private readonly string _textKey;
    private readonly string _fileKey;

    public ReadTxtFolderOp(string folder, string pattern, string textKey, string fileKey, string? idxKey)
        : base("ReadTxtFolder", folder, idxKey, isFolder: true)
    {
        _pattern = Glob.Parse(pattern, Kind);
        ArgumentException.ThrowIfNullOrEmpty(textKey);
        ArgumentException.ThrowIfNullOrEmpty(fileKey);
        _textKey = textKey;
        _fileKey = fileKey;
    }

    private protected override string Describe() => $"{Path}/{string.Join('/', _pattern)} -> {_fileKey}, {_textKey}";

    protected override IEnumerable<Entry> Produce(OpContext context)
    {
        var idxs = new SourceIdx(Kind, IdxKey);
        foreach (var relative in Glob.Files(Path, _pattern))
        {
            var text = StrictUtf8.ReadAll(System.IO.Path.Combine(Path, relative));
            var data = new JsonObject { [_fileKey] = relative, [_textKey] = text };
            yield return new Entry(idxs.Next(data, $"file '{relative}'"), data);
        }
    }
}
