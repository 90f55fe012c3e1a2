namespace BatchFactory.Ledgers;

/// <summary>Where a record's line is in the file.</summary>
internal readonly record struct Slot(long Offset, int Length);

/// <summary>
/// The in-memory index of a JSONL ledger: for each key, where its last record's line is. Keys are held by their 64-bit
/// hash (about 40 bytes per key, whatever the key's length); the rare keys whose hash collides with another key's are
/// held by their full text. Not thread-safe: the ledger guards it.
/// </summary>
internal sealed class JsonlIndex
{
    private readonly Dictionary<ulong, Slot> _byHash;
    private readonly Dictionary<string, Slot> _collided = new(StringComparer.Ordinal);
    private readonly Func<Slot, string> _readKey;

    /// <param name="readKey">Reads the key of the record at a slot, to tell a key's new record from a colliding key.</param>
    /// <param name="capacity">The expected number of keys.</param>
    public JsonlIndex(Func<Slot, string> readKey, int capacity = 0)
    {
        _readKey = readKey;
        _byHash = new Dictionary<ulong, Slot>(capacity);
    }

    public long Count => _byHash.Count + _collided.Count;

    /// <summary>How many keys the index has room for without growing.</summary>
    public int Capacity => _byHash.EnsureCapacity(0);

    /// <summary>Makes room for <paramref name="keys"/> keys at once, so that a large index is not regrown step by step.</summary>
    public void EnsureCapacity(int keys) => _byHash.EnsureCapacity(keys);

    /// <summary>Gives back the room beyond the keys it holds (after sizing it for more, e.g. records that rewrite keys).</summary>
    public void TrimExcess() => _byHash.TrimExcess();

    /// <summary>Records that the last record of the key with <paramref name="hash"/> is at <paramref name="slot"/>.</summary>
    /// <param name="hash">The key's hash.</param>
    /// <param name="slot">Where the record's line is.</param>
    /// <param name="key">The key, when the caller has it; otherwise it is read from the file when needed.</param>
    public void Set(ulong hash, Slot slot, string? key = null)
    {
        if (_collided.Count > 0)
        {
            key ??= _readKey(slot);
            if (_collided.ContainsKey(key))
            {
                _collided[key] = slot;
                return;
            }
        }

        if (_byHash.TryGetValue(hash, out var existing))
        {
            key ??= _readKey(slot);
            if (!string.Equals(_readKey(existing), key, StringComparison.Ordinal))
            {
                _collided[key] = slot;
                return;
            }
        }

        _byHash[hash] = slot;
    }

    /// <summary>Adds a key known not to be in the index yet (while building a compacted file, where each key appears once).</summary>
    public void AddDistinct(ulong hash, Slot slot, string key)
    {
        if (!_byHash.TryAdd(hash, slot))
        {
            _collided[key] = slot;
        }
    }

    /// <summary>Finds where the last record of <paramref name="key"/> might be; the caller checks the key it finds there.</summary>
    public bool TryGet(string key, ulong hash, out Slot slot) =>
        (_collided.Count > 0 && _collided.TryGetValue(key, out slot)) || _byHash.TryGetValue(hash, out slot);

    /// <summary>Whether the record at <paramref name="slot"/> is its key's last record.</summary>
    public bool IsCurrent(ulong hash, Slot slot, string key) =>
        (_byHash.TryGetValue(hash, out var found) && found.Offset == slot.Offset) ||
        (_collided.Count > 0 && _collided.TryGetValue(key, out found) && found.Offset == slot.Offset);
}
