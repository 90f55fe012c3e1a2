namespace BatchFactory.Engine;

/// <summary>
/// An entry's stable position in the stream: a path of integers compared lexicographically
/// (a prefix sorts before its extensions). Sources and re-ordering ops start a path with their node
/// ordinal and the entry's position; ops that split an entry extend the parent's path with the part index.
/// Order-sensitive ops sort by this key, never by arrival, so results do not depend on timing.
/// </summary>
internal sealed class OrderKey : IComparable<OrderKey>
{
    private readonly int[] _path;

    private OrderKey(int[] path) => _path = path;

    /// <summary>The key of an entry made outside any source; sorts before every other key.</summary>
    public static OrderKey Unordered { get; } = new([]);

    /// <summary>The key of the <paramref name="position"/>-th entry emitted by the op at <paramref name="ordinal"/>.</summary>
    public static OrderKey Root(int ordinal, int position) => new([ordinal, position]);

    /// <summary>The key of part <paramref name="index"/> of the entry that has this key.</summary>
    public OrderKey Child(int index)
    {
        var path = new int[_path.Length + 1];
        _path.CopyTo(path, 0);
        path[^1] = index;
        return new OrderKey(path);
    }

    /// <inheritdoc/>
    public int CompareTo(OrderKey? other)
    {
        if (other is null)
        {
            return 1;
        }

        var common = Math.Min(_path.Length, other._path.Length);
        for (var i = 0; i < common; i++)
        {
            var c = _path[i].CompareTo(other._path[i]);
            if (c != 0)
            {
                return c;
            }
        }

        return _path.Length.CompareTo(other._path.Length);
    }

    /// <inheritdoc/>
    public override string ToString() => string.Join('.', _path);
}
