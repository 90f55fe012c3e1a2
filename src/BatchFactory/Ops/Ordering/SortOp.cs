using BatchFactory.Engine;
using BatchFactory.Engine.Kinds;

namespace BatchFactory.Operators;

/// <summary>
/// Sorts the whole stream by one or more fields (ascending or descending); ties keep stream order, so the
/// result is the same on every run. Values of different JSON kinds order as <see cref="JsonSortValue"/> says.
/// </summary>
internal sealed class SortOp : BarrierOp
{
    private readonly string[] _keys;
    private readonly bool _descending;

    public SortOp(string[] keys, bool descending)
        : base("Sort")
    {
        ArgumentNullException.ThrowIfNull(keys);
        _keys = keys.Length > 0 && !keys.Any(string.IsNullOrEmpty)
            ? keys
            : throw new ArgumentException("Sort: name at least one field to sort by.", nameof(keys));
        _descending = descending;
    }

    protected override bool Reorders => true;

    private protected override string Describe() => string.Join(", ", _keys) + (_descending ? ", descending" : string.Empty);

    protected override Collector CreateCollector(OpContext context) => new SortCollector(this);

    private sealed class SortCollector(SortOp op) : Collector
    {
        private readonly List<(JsonSortValue[] Values, Entry Entry)> _rows = [];

        public override Entry? Add(Entry entry)
        {
            var values = new JsonSortValue[op._keys.Length];
            for (var i = 0; i < values.Length; i++)
            {
                if (!entry.Data.TryGetPropertyValue(op._keys[i], out var node))
                {
                    throw entry.MissingField(op._keys[i]);
                }

                values[i] = JsonSortValue.Of(node);
            }

            _rows.Add((values, entry));
            return null;
        }

        public override IReadOnlyList<Entry> Finish()
        {
            _rows.Sort(Compare);
            return [.. _rows.Select(r => r.Entry)];
        }

        private int Compare((JsonSortValue[] Values, Entry Entry) a, (JsonSortValue[] Values, Entry Entry) b)
        {
            for (var i = 0; i < a.Values.Length; i++)
            {
                var c = a.Values[i].CompareTo(b.Values[i]);
                if (c != 0)
                {
                    return op._descending ? -c : c;
                }
            }

            return a.Entry.Order.CompareTo(b.Entry.Order);
        }
    }
}
