using System.Text.Json.Nodes;
using BatchFactory.Engine;

namespace BatchFactory.Operators;

/// <summary>
/// Reads a Markdown file section by section: the non-empty text under each heading (up to the next heading of any
/// level) becomes an entry with the heading path as its headings and the deepest heading as its keyword. Text before
/// the first heading becomes an entry with no headings and no keyword.
/// </summary>
internal sealed class ReadMarkdownEntriesOp : FileSourceOp
{
    private readonly string _textKey;
    private readonly string _headingsKey;
    private readonly string _keywordKey;

    public ReadMarkdownEntriesOp(string path, string textKey, string headingsKey, string keywordKey)
        : base("ReadMarkdownEntries", path, idxKey: null)
    {
        ArgumentException.ThrowIfNullOrEmpty(textKey);
        ArgumentException.ThrowIfNullOrEmpty(headingsKey);
        ArgumentException.ThrowIfNullOrEmpty(keywordKey);
        _textKey = textKey;
        _headingsKey = headingsKey;
        _keywordKey = keywordKey;
    }

    protected override IEnumerable<Entry> Produce(OpContext context)
    {
        var idxs = new SourceIdx(Kind, null);
        var headings = new HeadingPath();
        var section = new List<string>();
        foreach (var (_, line) in TextLines.Read(Path))
        {
            if (!MarkdownSyntax.TryHeading(line, out var level, out var heading))
            {
                section.Add(MarkdownSyntax.Unescape(line));
                continue;
            }

            if (Section(section, headings.Texts) is { } data)
            {
                yield return new Entry(idxs.Next(data, "a section"), data);
            }

            headings.Enter(level, heading);
        }

        if (Section(section, headings.Texts) is { } last)
        {
            yield return new Entry(idxs.Next(last, "the last section"), last);
        }
    }

    // The entry for the lines of one section (which it empties), or null when they are all blank.
    private JsonObject? Section(List<string> lines, string[] path)
    {
        var first = lines.FindIndex(l => !string.IsNullOrWhiteSpace(l));
        var last = lines.FindLastIndex(l => !string.IsNullOrWhiteSpace(l));
        var text = first < 0 ? null : string.Join('\n', lines.Skip(first).Take(last - first + 1));
        lines.Clear();
        if (text is null)
        {
            return null;
        }

        var data = new JsonObject { [_textKey] = text, [_headingsKey] = new JsonArray([.. path.Select(t => (JsonNode)t)]) };
        if (path.Length > 0)
        {
            data[_keywordKey] = path[^1];
        }

        return data;
    }
}
