namespace BatchFactory.Ledgers;

/// <summary>
/// The in-memory index of a SQLite ledger: for each key, the <c>seq</c> of its current record. Keys are held by their
/// 64-bit hash (about 30 bytes per key, whatever the key's length); the rare keys whose hash collides with another
/// key's are held by their full text. Built on open from the <c>key_hashes</c> table. Not thread-safe: the ledger
/// guards it.
/// </summary>
internal sealed class SqliteIndex
{
    private readonly Dictionary<long, long> _byHash;
    private readonly Dictionary<string, long> _collided = new(StringComparer.Ordinal);

    /// <param name="capacity">The expected number of keys.</param>
    public SqliteIndex(int capacity = 0) => _byHash = new Dictionary<long, long>(capacity);

    public int Count => _byHash.Count + _collided.Count;

    /// <summary>Adds a key read on open; the records come in <c>seq</c> order, one per key.</summary>
    /// <param name="hash">The key's hash.</param>
    /// <param name="seq">Where its record is.</param>
    /// <param name="keyAt">Reads the key of the record at a <c>seq</c>: needed only when the hash is already taken.</param>
    public void Load(long hash, long seq, Func<long, string> keyAt)
    {
        if (!_byHash.TryAdd(hash, seq))
        {
            _collided[keyAt(seq)] = seq;
        }
    }

    /// <summary>Finds where the current record of <paramref name="key"/> might be; the caller checks the key it finds there.</summary>
    public bool TryGet(string key, long hash, out long seq) =>
        (_collided.Count > 0 && _collided.TryGetValue(key, out seq)) || _byHash.TryGetValue(hash, out seq);

    /// <summary>Finds the current record of <paramref name="record"/>'s key, which a new record is about to replace.</summary>
    /// <param name="record">The new record.</param>
    /// <param name="isKeyAt">Whether the record at a <c>seq</c> has the given UTF-8 key (it may be another key with the same hash).</param>
    /// <param name="seq">The current record's <c>seq</c>, when the key has one.</param>
    /// <param name="collided">Whether the key is held, or must be held, by its text because another key holds its hash.</param>
    /// <returns>Whether the key has a current record.</returns>
    public bool TryFind(in SqliteRecord record, Func<long, byte[], bool> isKeyAt, out long seq, out bool collided)
    {
        if (_collided.Count > 0 && _collided.TryGetValue(record.Key, out seq))
        {
            collided = true;
            return true;
        }

        if (_byHash.TryGetValue(record.Hash, out seq))
        {
            collided = !isKeyAt(seq, record.Utf8Key);
            return !collided;
        }

        collided = false;
        return false;
    }

    /// <summary>Records that the current record of <paramref name="key"/> is at <paramref name="seq"/>.</summary>
    public void Set(string key, long hash, long seq, bool collided)
    {
        if (collided)
        {
            _collided[key] = seq;
        }
        else
        {
            _byHash[hash] = seq;
        }
    }
}
