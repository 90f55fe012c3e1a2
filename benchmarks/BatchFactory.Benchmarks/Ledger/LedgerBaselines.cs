using System.Buffers;
using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace BatchFactory.Benchmarks.Ledger;

/// <summary>What the same work costs without our ledgers: the floor each ledger scenario is compared with.</summary>
internal static class LedgerBaselines
{
    public const string NaiveSqliteName = "baseline: naive SQLite table";

    /// <summary>
    /// The SQLite table anyone would write first: <c>key TEXT PRIMARY KEY, value BLOB</c>, WAL, synchronous=NORMAL,
    /// one prepared <c>INSERT OR REPLACE</c>, 1,000 rows per transaction, one writer.
    /// </summary>
    public static int NaiveSqliteWrite(LedgerRecords records, string path)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        connection.Open();
        Execute(connection, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; CREATE TABLE records (key TEXT PRIMARY KEY, value BLOB NOT NULL);");
        using var insert = connection.CreateCommand();
        insert.CommandText = "INSERT OR REPLACE INTO records (key, value) VALUES ($key, $value)";
        var key = insert.Parameters.Add("$key", SqliteType.Text);
        var value = insert.Parameters.Add("$value", SqliteType.Blob);
        insert.Prepare();
        for (var start = 0; start < records.Count; start += 1000)
        {
            using var transaction = connection.BeginTransaction();
            insert.Transaction = transaction;
            for (var i = start; i < Math.Min(start + 1000, records.Count); i++)
            {
                key.Value = records.Keys[i];
                value.Value = JsonSerializer.SerializeToUtf8Bytes(LedgerRecords.Value(i));
                insert.ExecuteNonQuery();
            }

            transaction.Commit();
        }

        return records.Count;
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    /// <summary>Serialises each record as a JSONL line and writes it to a 64 KiB-buffered FileStream; one flush at the end.</summary>
    public static int RawJsonlWrite(LedgerRecords records, string path)
    {
        using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16);
        var buffer = new ArrayBufferWriter<byte>(1024);
        using var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { SkipValidation = true });
        for (var i = 0; i < records.Count; i++)
        {
            buffer.ResetWrittenCount();
            writer.Reset(buffer);
            writer.WriteStartObject();
            writer.WriteString("k"u8, records.Keys[i]);
            writer.WritePropertyName("v"u8);
            LedgerRecords.Value(i).WriteTo(writer);
            writer.WriteEndObject();
            writer.Flush();
            file.Write(buffer.WrittenSpan);
            file.WriteByte((byte)'\n');
        }

        file.Flush(flushToDisk: false);
        return records.Count;
    }
}
