using BatchFactory.Engine.Kinds;

namespace BatchFactory.Operators;

/// <summary>Keeps (IncludeIdx) or drops (ExcludeIdx) the entries whose idx is in a set.</summary>
internal sealed class IdxFilterOp : EntryOp
{
    private readonly HashSet<string> _idxs;
    private readonly bool _keepListed;

    public IdxFilterOp(IEnumerable<string> idxs, bool keepListed)
        : base(keepListed ? "IncludeIdx" : "ExcludeIdx")
    {
        ArgumentNullException.ThrowIfNull(idxs);
        _idxs = new HashSet<string>(idxs, StringComparer.Ordinal);
        _keepListed = keepListed;
    }

    internal override bool SafeInParallel => true;

    private protected override string Describe() => _idxs.Count <= 3 ? string.Join(", ", _idxs) : $"{_idxs.Count} idx";

    protected override bool CanDrop => true;

    protected override Entry? Process(Entry entry) => _idxs.Contains(entry.Idx) == _keepListed ? entry : null;
}
