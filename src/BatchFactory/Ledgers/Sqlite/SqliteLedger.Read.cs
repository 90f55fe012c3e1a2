using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json.Nodes;
using BatchFactory.Ledgers;
using Microsoft.Data.Sqlite;

namespace BatchFactory;

public sealed partial class SqliteLedger
{
    private const int EnumerationBatch = 1024;

    /// <summary>How many keys of a <see cref="TryGetManyAsync"/> are read in one read transaction.</summary>
    private const int LookupBatch = 256;

    /// <inheritdoc/>
    /// <exception cref="LedgerException">The database could not be read.</exception>
    public ValueTask<JsonNode?> TryGetAsync(string key, CancellationToken cancellationToken = default)
    {
        LedgerKeys.Check(key);
        ThrowIfDisposed();
        var utf8Key = Encoding.UTF8.GetBytes(key);
        var hash = SqliteFormat.Hash(utf8Key);
        _indexGuard.EnterReadLock();
        var indexed = _index.TryGet(key, hash, out var seq);
        _indexGuard.ExitReadLock();
        if (!indexed)
        {
            return ValueTask.FromResult<JsonNode?>(null);
        }

        return ValueTask.FromResult(Read(reader => reader.TryRead(seq, utf8Key, out var value) ? value : ReadAgain(reader, key, utf8Key, hash)));
    }

    /// <inheritdoc/>
    /// <remarks>Finds the keys' rows in the in-memory index, then reads up to 256 of them in one read transaction.</remarks>
    /// <exception cref="LedgerException">The database could not be read.</exception>
    public ValueTask<IReadOnlyList<JsonNode?>> TryGetManyAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        ThrowIfDisposed();
        var utf8Keys = new byte[keys.Count][];
        var hashes = new long[keys.Count];
        for (var i = 0; i < keys.Count; i++)
        {
            LedgerKeys.Check(keys[i]);
            utf8Keys[i] = Encoding.UTF8.GetBytes(keys[i]);
            hashes[i] = SqliteFormat.Hash(utf8Keys[i]);
        }

        var found = new JsonNode?[keys.Count];
        var seqs = new long[LookupBatch];
        for (var start = 0; start < keys.Count; start += LookupBatch)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var count = Math.Min(LookupBatch, keys.Count - start);
            var indexed = Locate(keys, hashes, start, count, seqs);
            if (indexed == 0)
            {
                continue;
            }

            Read(reader =>
            {
                List<int>? replaced = null;
                reader.BeginSnapshot();
                try
                {
                    for (var i = 0; i < count; i++)
                    {
                        if (seqs[i] != 0 && !reader.TryRead(seqs[i], utf8Keys[start + i], out found[start + i]))
                        {
                            (replaced ??= []).Add(start + i);
                        }
                    }
                }
                finally
                {
                    reader.EndSnapshot();
                }

                foreach (var i in replaced ?? Enumerable.Empty<int>())
                {
                    found[i] = ReadAgain(reader, keys[i], utf8Keys[i], hashes[i]);
                }

                return true;
            });
        }

        return ValueTask.FromResult<IReadOnlyList<JsonNode?>>(found);
    }

    /// <inheritdoc/>
    /// <remarks>
    /// Reads 1,024 records at a time, each batch a consistent view; appends and compactions may run in between. A key
    /// appended again while the enumeration runs may be yielded twice (its old record, then its new one) or only once.
    /// </remarks>
    /// <exception cref="LedgerException">The database could not be read.</exception>
    public async IAsyncEnumerable<LedgerRecord> EnumerateAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        var batch = new List<LedgerRecord>(EnumerationBatch);
        var after = 0L;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            after = Read(reader => reader.ReadPage(after, EnumerationBatch, batch));
            foreach (var record in batch)
            {
                yield return record;
            }

            if (batch.Count < EnumerationBatch)
            {
                yield break;
            }

            batch.Clear();
            await Task.Yield();
        }
    }

    // Finds keys[start..start+count] in the index: each one's seq in `seqs`, 0 for a key not in the ledger (a seq is
    // at least 1). Returns how many were found.
    private int Locate(IReadOnlyList<string> keys, long[] hashes, int start, int count, long[] seqs)
    {
        var indexed = 0;
        _indexGuard.EnterReadLock();
        try
        {
            for (var i = 0; i < count; i++)
            {
                seqs[i] = _index.TryGet(keys[start + i], hashes[start + i], out var seq) ? seq : 0;
                indexed += seqs[i] == 0 ? 0 : 1;
            }
        }
        finally
        {
            _indexGuard.ExitReadLock();
        }

        return indexed;
    }

    // The record the index pointed to was replaced after the index was read: looks the key up again once the commit
    // that replaced it is in the index, while no other commit can start.
    private JsonNode? ReadAgain(SqliteReader reader, string key, byte[] utf8Key, long hash)
    {
        lock (_publishing)
        {
            _indexGuard.EnterReadLock();
            var indexed = _index.TryGet(key, hash, out var seq);
            _indexGuard.ExitReadLock();
            return indexed && reader.TryRead(seq, utf8Key, out var value) ? value : null;
        }
    }

    // Runs `read` on a pooled reading connection; the read lock keeps the pool open meanwhile.
    private T Read<T>(Func<SqliteReader, T> read)
    {
        _guard.EnterReadLock();
        try
        {
            ThrowIfDisposed();
            var reader = _readers.Rent();
            var healthy = false;
            try
            {
                var result = read(reader);
                healthy = true;
                return result;
            }
            finally
            {
                _readers.Return(reader, healthy);
            }
        }
        catch (SqliteException ex)
        {
            throw new LedgerException(Location, $"Reading the ledger '{Location}' failed: {ex.Message}. Check that the file is readable and not damaged (PRAGMA integrity_check in any SQLite tool).", ex);
        }
        finally
        {
            _guard.ExitReadLock();
        }
    }
}
