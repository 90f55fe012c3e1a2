using BatchFactory.Engine.Kinds;

namespace BatchFactory.Operators;

/// <summary>Renames fields; a missing source field is an error, an existing target field is replaced.</summary>
internal sealed class RenameFieldOp : EntryOp
{
    private readonly KeyValuePair<string, string>[] _renames;

    public RenameFieldOp(IEnumerable<KeyValuePair<string, string>> renames)
        : base("RenameField")
    {
        _renames = [.. renames];
        if (_renames.Length == 0 || _renames.Any(r => string.IsNullOrEmpty(r.Key) || string.IsNullOrEmpty(r.Value)))
        {
            throw new ArgumentException("RenameField: give at least one rename, with non-empty old and new names.", nameof(renames));
        }
    }

    internal override bool SafeInParallel => true;

    private protected override string Describe() => string.Join(", ", _renames.Select(r => $"{r.Key} -> {r.Value}"));

    protected override Entry? Process(Entry entry)
    {
        foreach (var (from, to) in _renames)
        {
            entry.Data[to] = entry.Take(from);
        }

        return entry;
    }
}
