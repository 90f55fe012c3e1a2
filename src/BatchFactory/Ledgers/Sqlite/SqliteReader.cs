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
    /// <summary>How many hashes one batched lookup asks for.</summary>
    public const int LookupBatch = 256;

    private readonly SqliteConnection _connection;
    private readonly SqliteCommand _findOne;
    private readonly SqliteCommand _findMany;
    private readonly SqliteCommand _page;
    private readonly StringBuilder _hashes = new();
    private byte[] _buffer = new byte[4096];

    private SqliteReader(SqliteConnection connection)
    {
        _connection = connection;
        _findOne = SqliteFormat.Prepare(connection, "SELECT key, value FROM records WHERE hash = $hash", ("$hash", SqliteType.Integer));
        _findMany = SqliteFormat.Prepare(
            connection,
            "SELECT hash, key, value FROM records WHERE hash IN (SELECT value FROM json_each($hashes))",
            ("$hashes", SqliteType.Text));
        _page = SqliteFormat.Prepare(
            connection,
            "SELECT seq, key, value FROM records WHERE seq > $after ORDER BY seq LIMIT $limit",
            ("$after", SqliteType.Integer),
            ("$limit", SqliteType.Integer));
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

    /// <summary>The current record of the key whose UTF-8 bytes are <paramref name="key"/>, or <see langword="null"/>.</summary>
    public JsonNode? Find(byte[] key, long hash)
    {
        _findOne.Parameters[0].Value = hash;
        using var reader = _findOne.ExecuteReader();
        while (reader.Read())
        {
            if (Blob(reader, 0).SequenceEqual(key))
            {
                return JsonNode.Parse(Blob(reader, 1));
            }
        }

        return null;
    }

    /// <summary>
    /// Looks up the keys <paramref name="keys"/>[<paramref name="start"/>..] (at most <see cref="LookupBatch"/>) in one
    /// query and stores each one's record, parsed afresh, at the same position of <paramref name="found"/>.
    /// </summary>
    public void FindMany(byte[][] keys, long[] hashes, int start, int count, JsonNode?[] found)
    {
        // Positions asking for each hash: the first in `first`, the others chained through `next`.
        var first = new Dictionary<long, int>(count);
        var next = new int[count];
        _hashes.Clear().Append('[');
        for (var i = 0; i < count; i++)
        {
            var hash = hashes[start + i];
            if (first.TryGetValue(hash, out var earlier))
            {
                next[i] = earlier;
            }
            else
            {
                next[i] = -1;
                _hashes.Append(_hashes.Length == 1 ? "" : ",").Append(hash);
            }

            first[hash] = i;
        }

        _findMany.Parameters[0].Value = _hashes.Append(']').ToString();
        using var reader = _findMany.ExecuteReader();
        while (reader.Read())
        {
            if (!first.TryGetValue(reader.GetInt64(0), out var i))
            {
                continue;
            }

            var key = Blob(reader, 1).ToArray();
            for (; i >= 0; i = next[i])
            {
                if (key.AsSpan().SequenceEqual(keys[start + i]))
                {
                    found[start + i] = JsonNode.Parse(Blob(reader, 2));
                }
            }
        }
    }

    /// <summary>Reads up to <paramref name="limit"/> records appended after <paramref name="after"/>, in append order.</summary>
    /// <returns>The <c>seq</c> of the last record read; <paramref name="after"/> when there was none.</returns>
    public long ReadPage(long after, int limit, List<LedgerRecord> records)
    {
        _page.Parameters[0].Value = after;
        _page.Parameters[1].Value = limit;
        using var reader = _page.ExecuteReader();
        while (reader.Read())
        {
            after = reader.GetInt64(0);
            var key = Encoding.UTF8.GetString(Blob(reader, 1));
            records.Add(new LedgerRecord(key, JsonNode.Parse(Blob(reader, 2))!));
        }

        return after;
    }

    public void Dispose()
    {
        _findOne.Dispose();
        _findMany.Dispose();
        _page.Dispose();
        _connection.Dispose();
    }

    // The blob at `ordinal`, copied into this reader's buffer: valid until the next call.
    private ReadOnlySpan<byte> Blob(SqliteDataReader reader, int ordinal)
    {
        var length = (int)reader.GetBytes(ordinal, 0, null, 0, 0);
        if (_buffer.Length < length)
        {
            _buffer = new byte[Math.Max(length, _buffer.Length * 2)];
        }

        reader.GetBytes(ordinal, 0, _buffer, 0, length);
        return _buffer.AsSpan(0, length);
    }
}
