namespace BatchFactory.Entries;

/// <summary>
/// An entry's stable position in the stream: (node, position) of the source or re-ordering op that emitted it,
/// followed by the part indexes of any splits since, compared lexicographically (a prefix sorts first).
/// Order-sensitive ops sort by this key, never by arrival, so results do not depend on timing.
/// A struct with no allocation for the common unsplit case.
/// </summary>
internal readonly struct OrderKey : IComparable<OrderKey>
{
    private readonly int _node;
    private readonly int _position;
    private readonly int[]? _parts;

    private OrderKey(int node, int position, int[]? parts)
    {
        _node = node;
        _position = position;
        _parts = parts;
    }

    /// <summary>The key of an entry made outside any source; sorts before every other key.</summary>
    public static OrderKey Unordered => new(-1, -1, null);

    /// <summary>The key of the <paramref name="position"/>-th entry emitted by the op at <paramref name="node"/>.</summary>
    public static OrderKey Root(int node, int position) => new(node, position, null);

    /// <summary>The key of part <paramref name="index"/> of the entry that has this key.</summary>
    public OrderKey Child(int index)
    {
        var parts = _parts is null ? new int[1] : new int[_parts.Length + 1];
        _parts?.CopyTo(parts, 0);
        parts[^1] = index;
        return new OrderKey(_node, _position, parts);
    }

    /// <inheritdoc/>
    public int CompareTo(OrderKey other)
    {
        var c = _node.CompareTo(other._node);
        if (c != 0)
        {
            return c;
        }

        c = _position.CompareTo(other._position);
        if (c != 0 || (_parts is null && other._parts is null))
        {
            return c;
        }

        return ((ReadOnlySpan<int>)_parts).SequenceCompareTo(other._parts);
    }

    /// <inheritdoc/>
    public override string ToString() => _parts is null ? $"{_node}.{_position}" : $"{_node}.{_position}.{string.Join('.', _parts)}";
}
