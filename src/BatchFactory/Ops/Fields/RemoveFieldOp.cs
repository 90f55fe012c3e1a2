using BatchFactory.Engine.Kinds;

namespace BatchFactory.Operators;

/// <summary>Removes fields; a field that is already absent is ignored.</summary>
internal sealed class RemoveFieldOp : EntryOp
{
    private readonly string[] _keys;

    public RemoveFieldOp(string[] keys)
        : base("RemoveField")
    {
        ArgumentNullException.ThrowIfNull(keys);
        _keys = keys.Length > 0 ? keys : throw new ArgumentException("RemoveField: name at least one field.", nameof(keys));
    }

    internal override bool SafeInParallel => true;

    private protected override string Describe() => string.Join(", ", _keys);

    protected override Entry? Process(Entry entry)
    {
        foreach (var key in _keys)
        {
            entry.Data.Remove(key);
        }

        return entry;
    }
}
