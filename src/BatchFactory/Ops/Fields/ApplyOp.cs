using BatchFactory.Engine.Kinds;

namespace BatchFactory.Operators;

/// <summary>Calls a user action that changes the entry in place.</summary>
internal sealed class ApplyOp(Action<Entry> action) : EntryOp("Apply")
{
    private protected override string Describe() => string.Empty;

    internal override bool RunsUserCode => true;

    protected override Entry? Process(Entry entry)
    {
        action(entry);
        return entry;
    }
}
