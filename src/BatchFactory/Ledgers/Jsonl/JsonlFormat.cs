using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace BatchFactory.Ledgers;

/// <summary>
/// The JSONL ledger's file format. Line 1 is a header, <c>{"ledger":"batchfactory","format":1}</c>; every other line
/// is one record, <c>{"k":"key","v":value}</c>, ending in <c>\n</c>.
/// </summary>
internal static class JsonlFormat
{
    public const int Version = 1;

    public static readonly byte[] Header = Encoding.UTF8.GetBytes($"{{\"ledger\":\"batchfactory\",\"format\":{Version}}}\n");

    private static readonly JsonWriterOptions WriterOptions = new() { SkipValidation = true };

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_buffer;

    [ThreadStatic]
    private static Utf8JsonWriter? t_writer;

    /// <summary>Serialises one record line, newline included.</summary>
    public static byte[] Line(string key, JsonNode value) => Line(key, value, static (writer, node) => node.WriteTo(writer));

    /// <summary>Serialises one record line, newline included, from a record that writes itself.</summary>
    public static byte[] Line(string key, IJsonRecord value) => Line(key, value, static (writer, record) => record.WriteTo(writer));

    private static byte[] Line<T>(string key, T value, Action<Utf8JsonWriter, T> write)
    {
        var buffer = t_buffer ??= new ArrayBufferWriter<byte>(1024);
        buffer.ResetWrittenCount();
        var writer = t_writer ??= new Utf8JsonWriter(buffer, WriterOptions);
        writer.Reset(buffer);
        writer.WriteStartObject();
        writer.WriteString("k"u8, key);
        writer.WritePropertyName("v"u8);
        write(writer, value);
        writer.WriteEndObject();
        writer.Flush();
        var line = new byte[buffer.WrittenCount + 1];
        buffer.WrittenSpan.CopyTo(line);
        line[^1] = (byte)'\n';
        return line;
    }

    /// <summary>
    /// Checks that <paramref name="line"/> (without its newline) is a well-formed record and returns the hash of its key.
    /// </summary>
    /// <returns><see langword="null"/> with <paramref name="error"/> set when the line is not a record.</returns>
    public static ulong? TryReadKeyHash(ReadOnlySpan<byte> line, out string? error)
    {
        try
        {
            var reader = new Utf8JsonReader(line, new JsonReaderOptions { AllowMultipleValues = false });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                error = "it is not a JSON object";
                return null;
            }

            ulong? hash = null;
            var hasValue = false;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("k"u8))
                {
                    if (!reader.Read() || reader.TokenType != JsonTokenType.String)
                    {
                        error = "its key \"k\" is not a string";
                        return null;
                    }

                    hash = HashKey(ref reader);
                }
                else if (reader.ValueTextEquals("v"u8))
                {
                    reader.Read();
                    reader.Skip();
                    hasValue = true;
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }

            if (reader.TokenType != JsonTokenType.EndObject || reader.Read())
            {
                error = "it has something after its closing brace";
                return null;
            }

            if (hash is null || !hasValue)
            {
                error = "it lacks the \"k\" or \"v\" property of a record";
                return null;
            }

            error = null;
            return hash;
        }
        catch (JsonException ex)
        {
            error = $"it is not valid JSON ({ex.Message})";
            return null;
        }
    }

    /// <summary>
    /// The key of a record line that was written by <see cref="Line(string, JsonNode)"/> or checked on open, and its value's JSON text
    /// (a slice of <paramref name="line"/>), without parsing the value.
    /// </summary>
    public static ReadOnlySpan<byte> ReadText(ReadOnlySpan<byte> line, out string key)
    {
        var reader = new Utf8JsonReader(line);
        reader.Read();
        key = "";
        var value = ReadOnlySpan<byte>.Empty;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isKey = reader.ValueTextEquals("k"u8);
            var isValue = !isKey && reader.ValueTextEquals("v"u8);
            reader.Read();
            var start = (int)reader.TokenStartIndex;
            if (isKey)
            {
                key = reader.GetString()!;
            }

            reader.Skip();
            if (isValue)
            {
                value = line[start..(int)reader.BytesConsumed];
            }
        }

        return value;
    }

    /// <summary>Reads the key and value of a record line that was written by <see cref="Line(string, JsonNode)"/> or checked on open.</summary>
    public static (string Key, JsonNode Value) Read(ReadOnlySpan<byte> line)
    {
        var record = JsonNode.Parse(line)!.AsObject();
        var key = record["k"]!.GetValue<string>();
        var value = record["v"]!;
        record.Remove("v");
        return (key, value);
    }

    /// <summary>Reads the value of a record line if the line's key is <paramref name="key"/>; <see langword="null"/> otherwise.</summary>
    public static JsonNode? ReadValueIfKey(ReadOnlySpan<byte> line, string key)
    {
        var reader = new Utf8JsonReader(line);
        reader.Read();
        var keyMatches = false;
        JsonNode? value = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("k"u8))
            {
                reader.Read();
                if (!reader.ValueTextEquals(key))
                {
                    return null;
                }

                keyMatches = true;
            }
            else if (reader.ValueTextEquals("v"u8))
            {
                reader.Read();
                value = JsonNode.Parse(ref reader);
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        return keyMatches ? value : null;
    }

    /// <summary>Reads only the key of a record line.</summary>
    public static string ReadKey(ReadOnlySpan<byte> line)
    {
        var reader = new Utf8JsonReader(line);
        reader.Read();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isKey = reader.ValueTextEquals("k"u8);
            reader.Read();
            if (isKey)
            {
                return reader.GetString()!;
            }

            reader.Skip();
        }

        throw new JsonException("The record has no key.");
    }

    /// <summary>Whether <paramref name="line"/> is a header, and the format version it names.</summary>
    public static int? TryReadHeader(ReadOnlySpan<byte> line)
    {
        try
        {
            var header = JsonNode.Parse(line) as JsonObject;
            if (header?["ledger"]?.GetValue<string>() == "batchfactory" && header["format"] is JsonValue format && format.TryGetValue<int>(out var version))
            {
                return version;
            }
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException)
        {
        }

        return null;
    }

    private static ulong HashKey(ref Utf8JsonReader reader)
    {
        if (!reader.ValueIsEscaped && !reader.HasValueSequence)
        {
            return LedgerKeys.Hash(reader.ValueSpan);
        }

        return LedgerKeys.Hash(reader.GetString()!);
    }
}
