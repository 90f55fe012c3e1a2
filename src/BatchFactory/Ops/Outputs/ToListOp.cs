using BatchFactory.Engine.Kinds;

namespace BatchFactory.Operators;

/// <summary>Collects the values of one or more fields of every entry that reaches it, in stream order.</summary>
internal sealed class ToListOp : SinkOp
{
    private readonly string[] _keys;

    public ToListOp(string[] keys)
        : base("ToList")
    {
        ArgumentNullException.ThrowIfNull(keys);
        _keys = keys.Length > 0 && !keys.Any(string.IsNullOrEmpty)
            ? keys
            : throw new ArgumentException("ToList: name at least one field to collect (use OutputEntries() for whole entries).", nameof(keys));
        KeyChecks.Distinct("ToList", keys, nameof(keys));
    }

    protected override IReadOnlyList<string> Keys => _keys;

    private protected override string Describe() => string.Join(", ", _keys);
}
