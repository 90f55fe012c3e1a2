using System.Text;
using System.Text.Json.Nodes;
using BatchFactory.Ledgers;

namespace BatchFactory;

/// <summary>
/// A ledger kept in a SQLite database in WAL mode: opens in constant time whatever its size, holds nothing per key in
/// memory, and answers lookups from an index on disk. Prefer it to <see cref="JsonlLedger"/> for ledgers of millions of
/// records; the file can be inspected with any SQLite tool (table <c>records</c>, values as UTF-8 JSON blobs).
/// </summary>
/// <remarks>
/// <para>Each key has one row: an append replaces the key's earlier record in the same transaction, so the table only
/// ever holds current records, and <see cref="CompactAsync"/> only has free pages to give back.</para>
/// <para>Concurrent appends are grouped: whatever is pending when the writer is free goes in one transaction, so many
/// appenders share one commit, while a lone appender pays for one commit per record.</para>
/// <para>Durability: by default the ledger runs with <c>PRAGMA synchronous=NORMAL</c>. A commit then writes its pages to
/// the write-ahead log without waiting for the disk: an acknowledged append survives the process being killed, but the
/// last commits may be lost (never half-applied) if the machine loses power or the operating system crashes. With
/// <see cref="LedgerOptions.Durable"/> it runs with <c>synchronous=FULL</c>: every commit waits until the log is synced to
/// the disk, so an acknowledged append also survives a power cut. Either way the database is never corrupted by a crash.</para>
/// <para>Only one <see cref="SqliteLedger"/>, in one process, may have a ledger open at a time; it holds
/// <c>&lt;file&gt;.lock</c> while open. Other programs may read the database meanwhile; one that writes to it, or holds a
/// write transaction, makes appends wait up to 5 seconds and then fail.</para>
/// <para>Memory: nothing per key. The writer's page cache holds up to 64 MiB (mostly the hash index, about 20 MB per
/// million keys); each reading connection caches up to 4 MiB and reads the file through a memory map of up to 1 GiB,
/// whose pages count in the process's resident size but are the operating system's file cache, shared and reclaimable.</para>
/// </remarks>
public sealed partial class SqliteLedger : ILedger
{
    private readonly LockFile _lock;
    private readonly SqliteWriter _writer;
    private readonly SqliteReaderPool _readers;
    private readonly GroupCommit<SqliteRecord> _commit;
    private readonly ReaderWriterLockSlim _guard = new(LockRecursionPolicy.NoRecursion);
    private long _count;
    private int _disposed;

    private SqliteLedger(string path, LockFile lockFile, SqliteWriter writer)
    {
        Location = path;
        _lock = lockFile;
        _writer = writer;
        _readers = new SqliteReaderPool(path);
        _count = writer.ReadKeyCount();
        _commit = new GroupCommit<SqliteRecord>(WriteBatch, ex => new LedgerException(
            Location,
            $"Writing to the ledger '{Location}' failed: {ex.Message}. Records written before are intact; this ledger accepts no more appends. Fix the cause (disk space, permissions) and run again: the run resumes from what was written.",
            ex));
    }

    /// <inheritdoc/>
    public string Location { get; }

    /// <inheritdoc/>
    /// <remarks>Kept in the database and updated with each transaction, so reading it costs nothing.</remarks>
    public long Count => Interlocked.Read(ref _count);

    /// <summary>How many transactions have committed appends (for tests: concurrent appends share them).</summary>
    internal long Transactions => _writer.Transactions;

    /// <inheritdoc/>
    public ValueTask AppendAsync(string key, JsonNode record, CancellationToken cancellationToken = default)
    {
        LedgerKeys.Check(key);
        ArgumentNullException.ThrowIfNull(record);
        ThrowIfDisposed();
        var utf8Key = Encoding.UTF8.GetBytes(key);
        var pending = new SqliteRecord(SqliteFormat.Hash(utf8Key), utf8Key, SqliteFormat.Serialize(record));
        return _commit.AddAsync(pending, cancellationToken);
    }

    /// <summary>Writes what is pending, closes the database and releases the lock. Safe to call more than once.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        try
        {
            await _commit.ExclusiveAsync(() => ValueTask.FromResult(true), CancellationToken.None).ConfigureAwait(false);
        }
        catch (LedgerException)
        {
            // A failed write already told its caller; what was committed before it is in the database.
        }
        finally
        {
            _guard.EnterWriteLock();
            _readers.Dispose();
            _guard.ExitWriteLock();

            // Closed last, the writer checkpoints the log into the database and deletes it.
            _writer.Dispose();
            _lock.Dispose();
            _commit.Dispose();
        }
    }

    /// <summary>Test hook: caps the database at its current size, so the next append that needs a new page fails as on a full disk.</summary>
    internal ValueTask SimulateFullDiskAsync(CancellationToken cancellationToken) =>
        new(_commit.ExclusiveAsync(
            () =>
            {
                _writer.CapSizeAtCurrent();
                return ValueTask.FromResult(true);
            },
            cancellationToken).AsTask());

    // The group commit's writer: the whole batch in one transaction; the count moves only once it has committed.
    private ValueTask WriteBatch(List<SqliteRecord> batch)
    {
        var added = _writer.Append(batch);
        Interlocked.Add(ref _count, added);
        return ValueTask.CompletedTask;
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) == 1, this);
}
