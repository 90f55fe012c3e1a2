using BatchFactory.Engine;
using BatchFactory.Engine.Kinds;
using BatchFactory.Entries;

namespace BatchFactory.Operators;

/// <summary>
/// Puts the whole stream in a seeded random order: entries are ordered by a seeded hash of their idx, so the
/// same seed gives the same order on every run and machine, whatever the arrival order.
/// </summary>
internal sealed class ShuffleOp(long seed) : BarrierOp("Shuffle")
{
    protected override bool Reorders => true;

    private protected override string Describe() => $"seed {seed}";

    protected override Collector CreateCollector(OpContext context) => new ShuffleCollector(seed);

    private sealed class ShuffleCollector(long seed) : Collector
    {
        private readonly List<(ulong Key, Entry Entry)> _rows = [];

        public override Entry? Add(Entry entry)
        {
            _rows.Add((StableHash.Of(entry.Idx, seed), entry));
            return null;
        }

        public override IReadOnlyList<Entry> Finish()
        {
            _rows.Sort(static (a, b) => a.Key != b.Key ? a.Key.CompareTo(b.Key) : a.Entry.Order.CompareTo(b.Entry.Order));
            return [.. _rows.Select(r => r.Entry)];
        }
    }
}
