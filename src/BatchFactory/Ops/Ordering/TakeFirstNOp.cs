using BatchFactory.Engine;
using BatchFactory.Engine.Kinds;
using BatchFactory.Entries;

namespace BatchFactory.Operators;

/// <summary>
/// Keeps the first n entries in stream order (source order, or the order of the last Sort/Shuffle) and drops the
/// rest. Holds at most n entries while the stream passes, and emits them once the input ends.
/// </summary>
internal sealed class TakeFirstNOp : BarrierOp
{
    private readonly int _count;

    public TakeFirstNOp(int count)
        : base("TakeFirstN")
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        _count = count;
    }

    protected override bool Reorders => false;

    private protected override string Describe() => _count.ToString(System.Globalization.CultureInfo.InvariantCulture);

    protected override Collector CreateCollector(OpContext context) => new FirstN(_count);

    private sealed class FirstN(int count) : Collector
    {
        // A max-heap on stream order: the root is the latest of the entries kept so far.
        private readonly PriorityQueue<Entry, OrderKey> _kept = new(Comparer<OrderKey>.Create(static (a, b) => b.CompareTo(a)));

        public override Entry? Add(Entry entry)
        {
            if (count == 0)
            {
                return entry;
            }

            if (_kept.Count < count)
            {
                _kept.Enqueue(entry, entry.Order);
                return null;
            }

            return _kept.EnqueueDequeue(entry, entry.Order);
        }

        public override IReadOnlyList<Entry> Finish()
        {
            var entries = _kept.UnorderedItems.Select(i => i.Element).ToList();
            entries.Sort(static (a, b) => a.Order.CompareTo(b.Order));
            return entries;
        }
    }
}
