using System.Text.Json.Nodes;
using BatchFactory.Engine;

namespace BatchFactory.Operators;

/// <summary>
/// Reads a Markdown file line by line: each non-empty line that is not a heading becomes an entry with the line (list
/// marker removed) as its keyword and the texts of the headings above it, outermost first, as its headings.
/// </summary>
internal sealed class ReadMarkdownLinesOp : FileSourceOp
{
    private readonly string _keywordKey;
    private readonly string _headingsKey;

    public ReadMarkdownLinesOp(string path, string keywordKey, string headingsKey)
        : base("ReadMarkdownLines", path, idxKey: null)
    {
        ArgumentException.ThrowIfNullOrEmpty(keywordKey);
        ArgumentException.ThrowIfNullOrEmpty(headingsKey);
        _keywordKey = keywordKey;
        _headingsKey = headingsKey;
    }

    protected override IEnumerable<Entry> Produce(OpContext context)
    {
        var idxs = new SourceIdx(Kind, null);
        var headings = new HeadingPath();
        foreach (var (number, line) in TextLines.Read(Path))
        {
            if (MarkdownSyntax.TryHeading(line, out var level, out var heading))
            {
                headings.Enter(level, heading);
                continue;
            }

            var keyword = MarkdownSyntax.WithoutListMarker(line);
            if (keyword.Length == 0)
            {
                continue;
            }

            var data = new JsonObject { [_keywordKey] = keyword, [_headingsKey] = new JsonArray([.. headings.Texts.Select(t => (JsonNode)t)]) };
            yield return new Entry(idxs.Next(data, $"line {number}"), data);
        }
    }
}
