using BatchFactory.Engine.Kinds;

namespace BatchFactory.Operators;

/// <summary>Drops entries that lack any of the given fields (a field holding JSON null counts as present).</summary>
internal sealed class FilterMissingFieldsOp : EntryOp
{
    private readonly string[] _keys;

    public FilterMissingFieldsOp(string[] keys)
        : base("FilterMissingFields")
    {
        ArgumentNullException.ThrowIfNull(keys);
        _keys = keys.Length > 0 ? keys : throw new ArgumentException("FilterMissingFields: name at least one field.", nameof(keys));
    }

    internal override bool SafeInParallel => true;

    private protected override string Describe() => string.Join(", ", _keys);

    protected override bool CanDrop => true;

    protected override Entry? Process(Entry entry)
    {
        foreach (var key in _keys)
        {
            if (!entry.Data.ContainsKey(key))
            {
                return null;
            }
        }

        return entry;
    }
}
