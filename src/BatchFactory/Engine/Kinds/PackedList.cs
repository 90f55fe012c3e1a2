namespace BatchFactory.Engine.Kinds;

/// <summary>
/// An append-only list of byte strings (UTF-8 text or JSON) kept in large shared chunks, with no object per item. A sink
/// that keeps a million values this way leaves the garbage collector a handful of arrays to look after instead of a
/// million small objects, which is most of what keeping values costs.
/// </summary>
internal sealed class PackedList
{
    private const int ChunkSize = 1 << 20;
    private readonly List<byte[]> _chunks = [];
    private readonly List<long> _places = [];
    private readonly List<int> _lengths = [];
    private byte[] _current = [];
    private int _used;

    public int Count => _places.Count;

    /// <summary>Appends a copy of <paramref name="item"/>.</summary>
    public void Add(ReadOnlySpan<byte> item)
    {
        item.CopyTo(Reserve(item.Length));
    }

    /// <summary>Appends <paramref name="length"/> bytes and returns them, for the caller to fill.</summary>
    public Span<byte> Reserve(int length)
    {
        if (_current.Length - _used < length)
        {
            _current = new byte[Math.Max(ChunkSize, length)];
            _chunks.Add(_current);
            _used = 0;
        }

        _places.Add(((long)(_chunks.Count - 1) << 32) | (uint)_used);
        _lengths.Add(length);
        var span = _current.AsSpan(_used, length);
        _used += length;
        return span;
    }

    /// <summary>The bytes of item <paramref name="index"/>.</summary>
    public ReadOnlySpan<byte> this[int index]
    {
        get
        {
            var place = _places[index];
            return _chunks[(int)(place >> 32)].AsSpan((int)(place & uint.MaxValue), _lengths[index]);
        }
    }
}
