using BatchFactory.Engine.Kinds;

namespace BatchFactory.Operators;

/// <summary>Keeps the entries a predicate accepts and drops the rest.</summary>
internal sealed class FilterOp(Func<Entry, bool> predicate, string description) : EntryOp("Filter")
{
    private protected override string Describe() => description;

    internal override bool RunsUserCode => true;

    protected override bool CanDrop => true;

    protected override Entry? Process(Entry entry) => predicate(entry) ? entry : null;
}
