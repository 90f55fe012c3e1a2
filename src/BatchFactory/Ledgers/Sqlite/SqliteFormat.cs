using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;

namespace BatchFactory.Ledgers;

/// <summary>
/// The SQLite ledger's file format. The database header's <c>application_id</c> marks the file as a BatchFactory
/// ledger and its <c>user_version</c> holds the format version. Table <c>records</c> holds the current record of each
/// key in append order (<c>seq</c>, the rowid), with the key's UTF-8 bytes and the value's UTF-8 JSON; it has no
/// secondary index, so appends only ever add rows at its end. Table <c>key_hashes</c> holds, under the same
/// <c>seq</c>, the 64-bit hash of the record's key: a narrow table (about 17 bytes a key on disk) that opening reads
/// whole to build the in-memory index. An append that replaces a key deletes the key's earlier row from both tables.
/// </summary>
internal static class SqliteFormat
{
    public const int Version = 2;

    /// <summary>"BFLG" in ASCII.</summary>
    public const int ApplicationId = 0x42464C47;

    /// <summary>The page cache of the writer: appends touch only the last pages of the two tables, and replacements a few more.</summary>
    public const int WriterCacheKiB = 8 * 1024;

    /// <summary>The page cache of each reader; reads go mostly through the memory map instead.</summary>
    public const int ReaderCacheKiB = 4 * 1024;

    /// <summary>How much of the file is read through a memory map instead of read calls (faster random lookups).</summary>
    public const long MemoryMapBytes = 1L << 30;

    /// <summary>
    /// Pages the write-ahead log may grow to before it is copied into the database. Each copy syncs the disk, so a larger
    /// log means fewer syncs; a smaller one keeps lookups of fresh records fast (pages still in the log are read with
    /// read calls rather than through the memory map).
    /// </summary>
    public const int CheckpointPages = 16_384;

    /// <summary>The size the write-ahead log is cut back to after a checkpoint.</summary>
    public const long JournalSizeLimitBytes = 64L << 20;

    /// <summary>How long a connection waits for SQLite's own locks (a checkpoint waiting for a reader) before it gives up.</summary>
    public const int BusyTimeoutMilliseconds = 5_000;

    public static readonly string Schema = $"""
        CREATE TABLE records (
            seq   INTEGER PRIMARY KEY,
            key   BLOB NOT NULL,
            value BLOB NOT NULL
        );
        CREATE TABLE key_hashes (
            seq  INTEGER PRIMARY KEY,
            hash INTEGER NOT NULL
        );
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

    /// <summary>The 64-bit hash of a key, as SQLite's signed integer: what <c>key_hashes</c> and the in-memory index hold.</summary>
    public static long Hash(ReadOnlySpan<byte> utf8Key) => unchecked((long)LedgerKeys.Hash(utf8Key));

    /// <summary>Serialises a record's value to UTF-8 JSON.</summary>
    public static byte[] Serialize(JsonNode value) => Serialize(value, static (writer, node) => node.WriteTo(writer));

    /// <summary>Serialises a record that writes itself to UTF-8 JSON.</summary>
    public static byte[] Serialize(IJsonRecord value) => Serialize(value, static (writer, record) => record.WriteTo(writer));

    private static byte[] Serialize<T>(T value, Action<Utf8JsonWriter, T> write)
    {
        var buffer = t_buffer ??= new ArrayBufferWriter<byte>(1024);
        buffer.ResetWrittenCount();
        var writer = t_writer ??= new Utf8JsonWriter(buffer, WriterOptions);
        writer.Reset(buffer);
        write(writer, value);
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
}
