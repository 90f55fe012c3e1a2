namespace BatchFactory.Engine.Kinds;

/// <summary>The per-run state of a barrier op: takes every entry, then yields the op's output once the input ends.</summary>
internal abstract class Collector
{
    /// <summary>Takes one entry. Returns an entry the collector discards at once (to count as dropped), or <see langword="null"/>.</summary>
    public abstract Entry? Add(Entry entry);

    /// <summary>The output, in the order the op defines; called once, after the last <see cref="Add"/>.</summary>
    public abstract IReadOnlyList<Entry> Finish();
}
