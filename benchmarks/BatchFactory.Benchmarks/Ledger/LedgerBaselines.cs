using System.Buffers;
using System.Text.Json;

namespace BatchFactory.Benchmarks.Ledger;

/// <summary>What the same work costs without our ledgers: the floor each ledger scenario is compared with.</summary>
internal static class LedgerBaselines
{
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
