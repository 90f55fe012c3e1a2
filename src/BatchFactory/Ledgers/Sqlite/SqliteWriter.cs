using System.Text;
using Microsoft.Data.Sqlite;

namespace BatchFactory.Ledgers;

/// <summary>A record waiting to be written: the key, its UTF-8 bytes and hash, and the UTF-8 JSON value.</summary>
internal readonly record struct SqliteRecord(string Key, long Hash, byte[] Utf8Key, byte[] Value);

/// <summary>
/// The SQLite ledger's one writing connection and its prepared statements. Not thread-safe: the ledger's group commit
/// calls it from one writer at a time.
/// </summary>
/// <remarks>
/// The writer numbers records itself (<c>seq</c>, one past the largest in the table), so it knows each record's place
/// without asking the database; numbers are never reused, because the last record is always current.
/// </remarks>
internal sealed class SqliteWriter : IDisposable
{
    /// <summary>How many rows of <c>key_hashes</c> opening reads between checks for cancellation.</summary>
    private const int RowsPerCancellationCheck = 1 << 16;

    private readonly SqliteConnection _connection;
    private readonly SqliteStatement _begin;
    private readonly SqliteStatement _commit;
    private readonly SqliteStatement _insertRecord;
    private readonly SqliteStatement _insertHash;
    private readonly SqliteStatement _deleteRecord;
    private readonly SqliteStatement _deleteHash;
    private readonly SqliteStatement _keyAt;
    private readonly bool _durable;
    private long _lastSeq;
    private long _committedSeq;

    /// <param name="connection">An open connection to a ledger in WAL mode, with the ledger's schema.</param>
    /// <param name="durable">Whether the connection runs with <c>synchronous=FULL</c>.</param>
    public SqliteWriter(SqliteConnection connection, bool durable)
    {
        _connection = connection;
        _durable = durable;
        _begin = new SqliteStatement(connection, "BEGIN IMMEDIATE");
        _commit = new SqliteStatement(connection, "COMMIT");
        _insertRecord = new SqliteStatement(connection, "INSERT INTO records (seq, key, value) VALUES (?1, ?2, ?3)");
        _insertHash = new SqliteStatement(connection, "INSERT INTO key_hashes (seq, hash) VALUES (?1, ?2)");
        _deleteRecord = new SqliteStatement(connection, "DELETE FROM records WHERE seq = ?1");
        _deleteHash = new SqliteStatement(connection, "DELETE FROM key_hashes WHERE seq = ?1");
        _keyAt = new SqliteStatement(connection, "SELECT key FROM records WHERE seq = ?1");
        _lastSeq = _committedSeq = SqliteFormat.Scalar(connection, "SELECT max(seq) FROM records") is long last ? last : 0;
    }

    /// <summary>How many transactions have committed appends (for tests: concurrent appends share them).</summary>
    public long Transactions { get; private set; }

    /// <summary>Reads every key's hash, in append order, into a new in-memory index.</summary>
    public SqliteIndex ReadIndex(CancellationToken cancellationToken)
    {
        var count = (long)SqliteFormat.Scalar(_connection, "SELECT count(*) FROM key_hashes")!;
        var index = new SqliteIndex((int)Math.Min(count, Array.MaxLength));
        using var scan = new SqliteStatement(_connection, "SELECT seq, hash FROM key_hashes");
        Func<long, string> keyAt = KeyAt;
        for (var rows = 1; scan.Step(); rows++)
        {
            if (rows % RowsPerCancellationCheck == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }

            index.Load(scan.Int64(1), scan.Int64(0), keyAt);
        }

        return index;
    }

    /// <summary>Starts the transaction a batch is written in.</summary>
    public void Begin() => _begin.Execute();

    /// <summary>Writes <paramref name="record"/> at the end of the ledger, in the open transaction.</summary>
    /// <returns>The record's <c>seq</c>.</returns>
    public long Insert(in SqliteRecord record)
    {
        var seq = ++_lastSeq;
        _insertRecord.Bind(1, seq).Bind(2, record.Utf8Key).Bind(3, record.Value).Execute();
        _insertHash.Bind(1, seq).Bind(2, record.Hash).Execute();
        return seq;
    }

    /// <summary>Deletes the record at <paramref name="seq"/> (which a newer record replaced), in the open transaction.</summary>
    public void Delete(long seq)
    {
        _deleteRecord.Bind(1, seq).Execute();
        _deleteHash.Bind(1, seq).Execute();
    }

    /// <summary>Whether the record at <paramref name="seq"/> exists and has the UTF-8 key <paramref name="key"/>.</summary>
    public bool IsKeyAt(long seq, byte[] key)
    {
        try
        {
            return _keyAt.Bind(1, seq).Step() && _keyAt.Blob(0).SequenceEqual(key);
        }
        finally
        {
            _keyAt.Reset();
        }
    }

    /// <summary>Commits the open transaction.</summary>
    public void Commit()
    {
        _commit.Execute();
        _committedSeq = _lastSeq;
        Transactions++;
    }

    /// <summary>Rolls the open transaction back, if SQLite has not already; reports nothing, so the error that led here is the one thrown.</summary>
    public void RollBack()
    {
        _lastSeq = _committedSeq;

        // SQLite rolls some failed transactions back by itself (SQLITE_FULL, SQLITE_IOERR).
        if (SQLitePCL.raw.sqlite3_get_autocommit(_connection.Handle) != 0)
        {
            return;
        }

        try
        {
            SqliteFormat.Execute(_connection, "ROLLBACK");
        }
        catch (SqliteException)
        {
            // The error that got us here is the one to report.
        }
    }

    /// <summary>
    /// Makes every committed record durable without waiting for readers: copies the write-ahead log into the database
    /// as far as readers allow, syncing both. When a reader kept part of the log from being copied, commits a change
    /// of nothing (the format version, rewritten) with <c>synchronous=FULL</c>, which syncs the log, and with it every
    /// record before.
    /// </summary>
    public void Flush()
    {
        if (Checkpoint("PASSIVE"))
        {
            return;
        }

        SqliteFormat.Execute(_connection, "PRAGMA synchronous = FULL");
        try
        {
            SqliteFormat.Execute(_connection, $"PRAGMA user_version = {SqliteFormat.Version}");
        }
        finally
        {
            SqliteFormat.Execute(_connection, $"PRAGMA synchronous = {(_durable ? "FULL" : "NORMAL")}");
        }
    }

    /// <summary>Rebuilds the database without free pages (keeping every <c>seq</c>), then copies it out of the log so the file shrinks.</summary>
    public void Compact()
    {
        SqliteFormat.Execute(_connection, "VACUUM");
        Checkpoint("TRUNCATE");
    }

    /// <summary>Runs a checkpoint; <see langword="false"/> when readers kept it from copying the whole log.</summary>
    public bool Checkpoint(string mode)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = $"PRAGMA wal_checkpoint({mode})";
        using var reader = command.ExecuteReader();

        // One row: busy (0 or 1), frames in the log, frames copied into the database.
        return reader.Read() && reader.GetInt64(0) == 0 && reader.GetInt64(1) == reader.GetInt64(2);
    }

    /// <summary>Test hook: caps the database at its current size, so the next write that needs a page fails with SQLITE_FULL.</summary>
    public void CapSizeAtCurrent()
    {
        var pages = (long)SqliteFormat.Scalar(_connection, "PRAGMA page_count")!;
        SqliteFormat.Execute(_connection, $"PRAGMA max_page_count = {pages}");
    }

    public void Dispose()
    {
        // Statements first: a connection with unfinalised statements stays open, and with it the file.
        foreach (var statement in new[] { _begin, _commit, _insertRecord, _insertHash, _deleteRecord, _deleteHash, _keyAt })
        {
            statement.Dispose();
        }

        _connection.Dispose();
    }

    // The key of the record at `seq`, which exists (opening reads it for a hash another key already has).
    private string KeyAt(long seq)
    {
        try
        {
            _keyAt.Bind(1, seq).Step();
            return Encoding.UTF8.GetString(_keyAt.Blob(0));
        }
        finally
        {
            _keyAt.Reset();
        }
    }
}
