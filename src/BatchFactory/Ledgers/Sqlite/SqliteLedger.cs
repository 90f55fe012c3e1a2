using BatchFactory.Ledgers;

namespace BatchFactory;

/// <summary>
/// A ledger kept in a SQLite database in WAL mode: values stay on disk, and an in-memory index of every key's hash
/// (about 30 bytes per key) leads a lookup straight to its row. Appends only ever add rows at the end of the table, so
/// they stay fast however large the ledger grows. Any SQLite tool can read the file: table <c>records</c> holds the
/// keys and values (UTF-8 and UTF-8 JSON blobs) in append order.
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
/// the disk, so an acknowledged append also survives a power cut. Either way the database is never corrupted by a crash,
/// and the index, rebuilt from the database on each open, always matches it.</para>
/// <para>Only one <see cref="SqliteLedger"/>, in one process, may have a ledger open at a time; it holds
/// <c>&lt;file&gt;.lock</c> while open. Other programs may read the database meanwhile but must not change it: the
/// in-memory index would not know of their changes (it is rebuilt on the next open). One that holds a write transaction
/// makes appends wait up to 5 seconds and then fail.</para>
/// <para>Opening builds the index by reading every key's 64-bit hash from a narrow table (about 17 bytes per key on
/// disk; the records themselves are not read): about half a second per million keys.</para>
/// <para>Memory: the index holds about 30 bytes per key on the managed heap (30 MB for a million keys), whatever the
/// keys' length, and up to twice that right after it has grown to make room for more keys. SQLite's page caches hold
/// up to 8 MiB for the writer and 4 MiB for each reading connection, and readers read the file through a memory map of
/// up to 1 GiB, whose pages count in the process's resident size but are the operating system's file cache, shared and
/// reclaimable.</para>
/// </remarks>
public sealed partial class SqliteLedger : ILedger, IAppendsJsonRecords
{
    private readonly LockFile _lock;
    private readonly SqliteWriter _writer;
    private readonly SqliteReaderPool _readers;
    private readonly SqliteIndex _index;
    private readonly GroupCommit<SqliteRecord> _commit;

    // Held by reads while they use a pooled connection; taken for writing only by DisposeAsync, to close the pool.
    private readonly ReaderWriterLockSlim _guard = new(LockRecursionPolicy.NoRecursion);

    // Guards the index: read to find records, written to publish a committed batch.
    private readonly ReaderWriterLockSlim _indexGuard = new(LockRecursionPolicy.NoRecursion);

    // Held from a batch's commit until the index shows it: whoever holds it sees the index and the database agree.
    private readonly Lock _publishing = new();
    private long _count;
    private int _disposed;

    private SqliteLedger(string path, LockFile lockFile, SqliteWriter writer, SqliteIndex index)
    {
        Location = path;
        _lock = lockFile;
        _writer = writer;
        _index = index;
        _count = index.Count;
        _isKeyAt = writer.IsKeyAt;
        _readers = new SqliteReaderPool(path);
        _commit = new GroupCommit<SqliteRecord>(WriteBatch, ex => LedgerFiles.WriteFailed(Location, ex));
    }

    /// <inheritdoc/>
    public string Location { get; }

    /// <inheritdoc/>
    /// <remarks>The number of keys in the in-memory index, so reading it costs nothing.</remarks>
    public long Count => Interlocked.Read(ref _count);

    /// <summary>How many transactions have committed appends (for tests: concurrent appends share them).</summary>
    internal long Transactions => _writer.Transactions;

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

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) == 1, this);
}
