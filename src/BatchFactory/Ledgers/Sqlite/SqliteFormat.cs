using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;

namespace BatchFactory.Ledgers;

/// <summary>
/// The SQLite ledger's file format. The database header's <c>application_id</c> marks the file as a BatchFactory
/// ledger and its <c>user_version</c> holds the format version. One table, <c>records</c>, holds the current record of
/// each key in append order (<c>seq</c>), found by an index on the 64-bit hash of the key; the key itself is stored to
/// tell colliding keys apart. A one-row table, <c>ledger</c>, keeps the number of keys so that opening never counts them.
/// </summary>
internal static class SqliteFormat
{
    public const int Version = 1;

    /// <summary>"BFLG" in ASCII.</summary>
    public const int ApplicationId = 0x42464C47;

    /// <summary>The page cache of the writer: it holds the hash index (about 20 MB per million keys), so appends rarely read.</summary>
    public const int WriterCacheKiB = 64 * 1024;

    /// <summary>The page cache of each reader; reads go mostly through the memory map instead.</summary>
    public const int ReaderCacheKiB = 4 * 1024;

    /// <summary>How much of the file is read through a memory map instead of read calls (faster random lookups).</summary>
    public const long MemoryMapBytes = 1L << 30;

    /// <summary>
    /// Pages the write-ahead log may grow to before it is copied into the database. Each copy syncs the disk; with random
    /// keys every transaction dirties many index pages, so a larger log means fewer, better-merged copies.
    /// </summary>
    public const int CheckpointPages = 16_384;

    /// <summary>The size the write-ahead log is cut back to after a checkpoint.</summary>
    public const long JournalSizeLimitBytes = 64L << 20;

    /// <summary>How long a connection waits for SQLite's own locks (a checkpoint waiting for a reader) before it gives up.</summary>
    public const int BusyTimeoutMilliseconds = 5_000;

    public static readonly string Schema = $"""
        CREATE TABLE records (
            seq   INTEGER PRIMARY KEY,
            hash  INTEGER NOT NULL,
            key   BLOB NOT NULL,
            value BLOB NOT NULL
        );
        CREATE INDEX records_by_hash ON records (hash);
        CREATE TABLE ledger (key_count INTEGER NOT NULL);
        INSERT INTO ledger (key_count) VALUES (0);
        PRAGMA application_id = {ApplicationId};
        PRAGMA user_version = {Version};
        """;

    private static readonly JsonWriterOptions WriterOptions = new() { SkipValidation = true };

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_buffer;

    [ThreadStatic]
    private static Utf8JsonWriter? t_writer;

    /// <summary>The connection string of a ledger's connection: no pooling, so closing the ledger closes the file.</summary>
    public static string ConnectionString(string path, SqliteOpenMode mode) => new SqliteConnectionStringBuilder
    {
        DataSource = path,
        Mode = mode,
        Pooling = false,
        DefaultTimeout = BusyTimeoutMilliseconds / 1000,
    }.ToString();

    /// <summary>The 64-bit hash the <c>records_by_hash</c> index holds, as SQLite's signed integer.</summary>
    public static long Hash(ReadOnlySpan<byte> utf8Key) => unchecked((long)LedgerKeys.Hash(utf8Key));

    /// <summary>Serialises a record's value to UTF-8 JSON.</summary>
    public static byte[] Serialize(JsonNode value)
    {
        var buffer = t_buffer ??= new ArrayBufferWriter<byte>(1024);
        buffer.ResetWrittenCount();
        var writer = t_writer ??= new Utf8JsonWriter(buffer, WriterOptions);
        writer.Reset(buffer);
        value.WriteTo(writer);
        writer.Flush();
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Runs one or more statements that return nothing.</summary>
    public static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    /// <summary>Runs a statement and returns the first column of its first row.</summary>
    public static object? Scalar(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }

    /// <summary>Creates a prepared command whose parameters are the given names, in order.</summary>
    public static SqliteCommand Prepare(SqliteConnection connection, string sql, params ReadOnlySpan<(string Name, SqliteType Type)> parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, type) in parameters)
        {
            command.Parameters.Add(name, type);
        }

        command.Prepare();
        return command;
    }
}
