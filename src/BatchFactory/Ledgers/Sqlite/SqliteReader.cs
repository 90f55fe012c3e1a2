using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;

namespace BatchFactory.Ledgers;

/// <summary>
/// One reading connection of a SQLite ledger and its prepared statements. In WAL mode readers never wait for the writer
/// and see every committed append. Not thread-safe: the pool lends it to one caller at a time.
/// </summary>
internal sealed class SqliteReader : IDisposable
{
    private readonly SqliteConnection _connection;
    private readonly SqliteStatement _begin;
    private readonly SqliteStatement _end;
    private readonly SqliteStatement _find;
    private readonly SqliteStatement _page;

    private SqliteReader(SqliteConnection connection)
    {
        _connection = connection;
        _begin = new SqliteStatement(connection, "BEGIN");
        _end = new SqliteStatement(connection, "COMMIT");
        _find = new SqliteStatement(connection, "SELECT key, value FROM records WHERE seq = ?1");
        _page = new SqliteStatement(connection, "SELECT seq, key, value FROM records WHERE seq > ?1 ORDER BY seq LIMIT ?2");
    }

    /// <summary>Opens a reading connection to the ledger at <paramref name="path"/>, which the writer has already set up.</summary>
    public static SqliteReader Open(string path)
    {
        var connection = new SqliteConnection(SqliteFormat.ConnectionString(path, SqliteOpenMode.ReadWrite));
        try
        {
            connection.Open();
            SqliteFormat.Execute(connection, $"""
                PRAGMA query_only = ON;
                PRAGMA busy_timeout = {SqliteFormat.BusyTimeoutMilliseconds};
                PRAGMA cache_size = -{SqliteFormat.ReaderCacheKiB};
                PRAGMA mmap_size = {SqliteFormat.MemoryMapBytes};
                """);
            return new SqliteReader(connection);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Starts a read transaction: until <see cref="EndSnapshot"/>, every read sees the ledger as it was at the first
    /// one, and they share one lock on the write-ahead log instead of taking one each.
    /// </summary>
    public void BeginSnapshot() => _begin.Execute();

    /// <summary>Ends the read transaction <see cref="BeginSnapshot"/> started.</summary>
    public void EndSnapshot() => _end.Execute();

    /// <summary>Reads the record at <paramref name="seq"/>, which the index said is the current record of <paramref name="key"/>.</summary>
    /// <param name="seq">Where the index says the record is.</param>
    /// <param name="key">The key's UTF-8 bytes.</param>
    /// <param name="value">
    /// The record's value, parsed afresh; <see langword="null"/> when the record is another key's (one whose hash
    /// collides with <paramref name="key"/>'s), so the key is not in the ledger.
    /// </param>
    /// <returns><see langword="false"/> when there is no record at <paramref name="seq"/>: a newer record replaced it after the index was read.</returns>
    public bool TryRead(long seq, byte[] key, out JsonNode? value)
    {
        try
        {
            if (!_find.Bind(1, seq).Step())
            {
                value = null;
                return false;
            }

            value = _find.Blob(0).SequenceEqual(key) ? JsonNode.Parse(_find.Blob(1)) : null;
            return true;
        }
        finally
        {
            _find.Reset();
        }
    }

    /// <summary>Reads up to <paramref name="limit"/> records appended after <paramref name="after"/>, in append order.</summary>
    /// <returns>The <c>seq</c> of the last record read; <paramref name="after"/> when there was none.</returns>
    public long ReadPage(long after, int limit, List<LedgerRecord> records)
    {
        _page.Bind(1, after).Bind(2, limit);
        try
        {
            while (_page.Step())
            {
                after = _page.Int64(0);
                records.Add(new LedgerRecord(Encoding.UTF8.GetString(_page.Blob(1)), JsonNode.Parse(_page.Blob(2))!));
            }
        }
        finally
        {
            _page.Reset();
        }

        return after;
    }

    public void Dispose()
    {
        _begin.Dispose();
        _end.Dispose();
        _find.Dispose();
        _page.Dispose();
        _connection.Dispose();
    }
}
