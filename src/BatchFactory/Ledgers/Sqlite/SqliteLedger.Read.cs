using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json.Nodes;
using BatchFactory.Ledgers;
using Microsoft.Data.Sqlite;

namespace BatchFactory;

public sealed partial class SqliteLedger
{
    private const int EnumerationBatch = 1024;

    /// <inheritdoc/>
    /// <exception cref="LedgerException">The database could not be read.</exception>
    public ValueTask<JsonNode?> TryGetAsync(string key, CancellationToken cancellationToken = default)
    {
        LedgerKeys.Check(key);
        ThrowIfDisposed();
        var utf8Key = Encoding.UTF8.GetBytes(key);
        var hash = SqliteFormat.Hash(utf8Key);
        return ValueTask.FromResult(Read(reader => reader.Find(utf8Key, hash)));
    }

    /// <inheritdoc/>
    /// <remarks>Asks the database for up to 256 keys per query.</remarks>
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
        for (var start = 0; start < keys.Count; start += SqliteReader.LookupBatch)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var count = Math.Min(SqliteReader.LookupBatch, keys.Count - start);
            Read(reader =>
            {
                reader.FindMany(utf8Keys, hashes, start, count, found);
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
