using Microsoft.Data.Sqlite;

namespace BatchFactory.Ledgers;

/// <summary>A record waiting to be written: the UTF-8 key, its hash, and the UTF-8 JSON value.</summary>
internal readonly record struct SqliteRecord(long Hash, byte[] Key, byte[] Value);

/// <summary>
/// The SQLite ledger's one writing connection and its prepared statements. Not thread-safe: the ledger's group commit
/// calls it from one writer at a time.
/// </summary>
internal sealed class SqliteWriter : IDisposable
{
    private readonly SqliteConnection _connection;
    private readonly SqliteCommand _begin;
    private readonly SqliteCommand _commit;
    private readonly SqliteCommand _find;
    private readonly SqliteCommand _delete;
    private readonly SqliteCommand _insert;
    private readonly SqliteCommand _addKeys;
    private readonly bool _durable;

    /// <param name="connection">An open connection to a ledger in WAL mode, with the ledger's schema.</param>
    /// <param name="durable">Whether the connection runs with <c>synchronous=FULL</c>.</param>
    public SqliteWriter(SqliteConnection connection, bool durable)
    {
        _connection = connection;
        _durable = durable;
        _begin = SqliteFormat.Prepare(connection, "BEGIN IMMEDIATE");
        _commit = SqliteFormat.Prepare(connection, "COMMIT");
        _find = SqliteFormat.Prepare(connection, "SELECT seq, key FROM records WHERE hash = $hash", ("$hash", SqliteType.Integer));
        _delete = SqliteFormat.Prepare(connection, "DELETE FROM records WHERE seq = $seq", ("$seq", SqliteType.Integer));
        _insert = SqliteFormat.Prepare(
            connection,
            "INSERT INTO records (hash, key, value) VALUES ($hash, $key, $value)",
            ("$hash", SqliteType.Integer),
            ("$key", SqliteType.Blob),
            ("$value", SqliteType.Blob));
        _addKeys = SqliteFormat.Prepare(connection, "UPDATE ledger SET key_count = key_count + $added", ("$added", SqliteType.Integer));
    }

    /// <summary>How many transactions have committed appends (for tests: concurrent appends share them).</summary>
    public long Transactions { get; private set; }

    /// <summary>The number of distinct keys, as stored.</summary>
    public long ReadKeyCount() => (long)SqliteFormat.Scalar(_connection, "SELECT key_count FROM ledger")!;

    /// <summary>
    /// Writes a batch in one transaction: each record replaces its key's earlier record, if any. All or nothing: on an
    /// error the transaction is rolled back and the error thrown.
    /// </summary>
    /// <returns>How many of the batch's keys were not in the ledger before.</returns>
    public int Append(List<SqliteRecord> batch)
    {
        _begin.ExecuteNonQuery();
        try
        {
            var added = 0;
            foreach (var record in batch)
            {
                if (FindSeq(record) is { } earlier)
                {
                    _delete.Parameters[0].Value = earlier;
                    _delete.ExecuteNonQuery();
                }
                else
                {
                    added++;
                }

                _insert.Parameters[0].Value = record.Hash;
                _insert.Parameters[1].Value = record.Key;
                _insert.Parameters[2].Value = record.Value;
                _insert.ExecuteNonQuery();
            }

            if (added > 0)
            {
                _addKeys.Parameters[0].Value = added;
                _addKeys.ExecuteNonQuery();
            }

            _commit.ExecuteNonQuery();
            Transactions++;
            return added;
        }
        catch
        {
            RollBack();
            throw;
        }
    }

    /// <summary>
    /// Makes every committed record durable without waiting for readers: copies the write-ahead log into the database
    /// as far as readers allow, syncing both. When a reader kept part of the log from being copied, commits an empty
    /// change with <c>synchronous=FULL</c>, which syncs the log, and with it every record before.
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
            SqliteFormat.Execute(_connection, "UPDATE ledger SET key_count = key_count");
        }
        finally
        {
            SqliteFormat.Execute(_connection, $"PRAGMA synchronous = {(_durable ? "FULL" : "NORMAL")}");
        }
    }

    /// <summary>Rebuilds the database without free pages, then copies it out of the log so the file shrinks.</summary>
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
        foreach (var command in new[] { _begin, _commit, _find, _delete, _insert, _addKeys })
        {
            command.Dispose();
        }

        _connection.Dispose();
    }

    private long? FindSeq(SqliteRecord record)
    {
        _find.Parameters[0].Value = record.Hash;
        using var reader = _find.ExecuteReader();
        while (reader.Read())
        {
            if (reader.GetFieldValue<byte[]>(1).AsSpan().SequenceEqual(record.Key))
            {
                return reader.GetInt64(0);
            }
        }

        return null;
    }

    private void RollBack()
    {
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
}
