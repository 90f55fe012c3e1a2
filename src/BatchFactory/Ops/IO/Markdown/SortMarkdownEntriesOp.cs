using BatchFactory.Engine;
using BatchFactory.Engine.Kinds;

namespace BatchFactory.Operators;

/// <summary>
/// Sorts the whole stream by heading path (heading by heading, ordinal; a path sorts before the paths inside it), then
/// by keyword (ordinal; none first), so that WriteMarkdownEntries writes each heading once. Ties keep stream order.
/// </summary>
internal sealed class SortMarkdownEntriesOp : BarrierOp
{
    private readonly string _headingsKey;
    private readonly string _keywordKey;

    public SortMarkdownEntriesOp(string headingsKey, string keywordKey)
        : base("SortMarkdownEntries")
    {
        ArgumentException.ThrowIfNullOrEmpty(headingsKey);
        ArgumentException.ThrowIfNullOrEmpty(keywordKey);
        _headingsKey = headingsKey;
        _keywordKey = keywordKey;
    }

    protected override bool Reorders => true;

    private protected override string Describe() => $"{_headingsKey}, {_keywordKey}";

    protected override Collector CreateCollector(OpContext context) => new ByHeadings(this);

    private sealed class ByHeadings(SortMarkdownEntriesOp op) : Collector
    {
        private readonly List<(string[] Path, string? Keyword, Entry Entry)> _rows = [];

        public override Entry? Add(Entry entry)
        {
            _rows.Add((MarkdownFiles.Headings(entry, op._headingsKey), entry.GetOrDefault<string?>(op._keywordKey, null), entry));
            return null;
        }

        public override IReadOnlyList<Entry> Finish()
        {
            _rows.Sort(static (a, b) =>
            {
                var c = ((ReadOnlySpan<string>)a.Path).SequenceCompareTo(b.Path, StringComparer.Ordinal);
                c = c != 0 ? c : string.CompareOrdinal(a.Keyword, b.Keyword);
                return c != 0 ? c : a.Entry.Order.CompareTo(b.Entry.Order);
            });
            return [.. _rows.Select(r => r.Entry)];
        }
    }
}
