using System.Text;
using System.Text.Json.Nodes;
using BatchFactory.Ledgers;

namespace BatchFactory;

public sealed partial class SqliteLedger
{
    // What the writer (one batch at a time) keeps between batches, to spare allocations.
    private readonly Func<long, byte[], bool> _isKeyAt;
    private readonly Dictionary<string, Written> _written = new(StringComparer.Ordinal);
    private readonly HashSet<long> _hashesTaken = [];

    /// <inheritdoc/>
    public ValueTask AppendAsync(string key, JsonNode record, CancellationToken cancellationToken = default)
    {
        LedgerKeys.Check(key);
        ArgumentNullException.ThrowIfNull(record);
        ThrowIfDisposed();
        return Append(key, SqliteFormat.Serialize(record), cancellationToken);
    }

    /// <inheritdoc/>
    ValueTask IAppendsJsonRecords.AppendAsync(string key, IJsonRecord record, CancellationToken cancellationToken)
    {
        LedgerKeys.Check(key);
        ThrowIfDisposed();
        return Append(key, SqliteFormat.Serialize(record), cancellationToken);
    }

    private ValueTask Append(string key, byte[] value, CancellationToken cancellationToken)
    {
        var utf8Key = Encoding.UTF8.GetBytes(key);
        return _commit.AddAsync(new SqliteRecord(key, SqliteFormat.Hash(utf8Key), utf8Key, value), cancellationToken);
    }

    // The group commit's writer: the whole batch in one transaction, then the index learns where the records went.
    private ValueTask WriteBatch(List<SqliteRecord> batch)
    {
        _writer.Begin();
        try
        {
            foreach (var record in batch)
            {
                Write(record);
            }

            lock (_publishing)
            {
                _writer.Commit();
                Publish();
            }
        }
        catch
        {
            _writer.RollBack();
            throw;
        }
        finally
        {
            _written.Clear();
            _hashesTaken.Clear();
        }

        return ValueTask.CompletedTask;
    }

    // Writes one record in the open transaction and deletes the one it replaces: the key's record found by the index,
    // or one written earlier in this batch. The index is read without the guard: only this writer changes it.
    private void Write(in SqliteRecord record)
    {
        bool replaces, collided;
        long earlier;
        if (_written.TryGetValue(record.Key, out var previous))
        {
            (replaces, earlier, collided) = (true, previous.Seq, previous.Collided);
        }
        else
        {
            replaces = _index.TryFind(record, _isKeyAt, out earlier, out collided);
            if (!replaces && !collided && !_hashesTaken.Add(record.Hash))
            {
                // A new key whose hash another new key of this batch already took.
                collided = true;
            }
        }

        var seq = _writer.Insert(record);
        if (replaces)
        {
            _writer.Delete(earlier);
        }

        _written[record.Key] = new Written(record.Hash, seq, collided);
    }

    // Shows the committed batch in the index; keys written twice in it were stored under their last record.
    private void Publish()
    {
        _indexGuard.EnterWriteLock();
        try
        {
            foreach (var (key, written) in _written)
            {
                _index.Set(key, written.Hash, written.Seq, written.Collided);
            }

            Interlocked.Exchange(ref _count, _index.Count);
        }
        finally
        {
            _indexGuard.ExitWriteLock();
        }
    }

    /// <summary>Where a record written in the open transaction went, and whether its key is held by text in the index.</summary>
    private readonly record struct Written(long Hash, long Seq, bool Collided);
}
