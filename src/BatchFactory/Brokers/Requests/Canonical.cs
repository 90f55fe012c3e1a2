using System.Buffers;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace BatchFactory.Brokers;

/// <summary>JSON in one canonical form, for hashing: object properties sorted by ordinal name, no whitespace.</summary>
internal static class Canonical
{
    [ThreadStatic]
    private static (ArrayBufferWriter<byte> Buffer, Utf8JsonWriter Writer)? _scratch;

    /// <summary>A content address: <paramref name="prefix"/>, a colon, and the SHA-256 of the canonical form in lowercase hex.</summary>
    public static string Key(string prefix, JsonNode node)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Write(node), hash);
        return string.Concat(prefix, ":", Convert.ToHexStringLower(hash));
    }

    // Writes the canonical form into this thread's scratch buffer (reused: keys are made for every entry) and returns it.
    private static ReadOnlySpan<byte> Write(JsonNode node)
    {
        var (buffer, writer) = _scratch ??= CreateScratch();
        buffer.ResetWrittenCount();
        writer.Reset(buffer);
        Write(writer, node);
        writer.Flush();
        return buffer.WrittenSpan;
    }

    private static (ArrayBufferWriter<byte>, Utf8JsonWriter) CreateScratch()
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        return (buffer, new Utf8JsonWriter(buffer));
    }

    // Objects made by our own code are built in key order; only others need sorting.
    private static bool IsSorted(JsonObject obj)
    {
        string? previous = null;
        foreach (var (name, _) in obj)
        {
            if (previous is not null && string.CompareOrdinal(previous, name) >= 0)
            {
                return false;
            }

            previous = name;
        }

        return true;
    }

    private static void Write(Utf8JsonWriter writer, JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                writer.WriteStartObject();
                foreach (var (name, value) in IsSorted(obj) ? (IEnumerable<KeyValuePair<string, JsonNode?>>)obj : obj.OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    writer.WritePropertyName(name);
                    Write(writer, value);
                }

                writer.WriteEndObject();
                break;
            case JsonArray array:
                writer.WriteStartArray();
                foreach (var item in array)
                {
                    Write(writer, item);
                }

                writer.WriteEndArray();
                break;
            case null:
                writer.WriteNullValue();
                break;
            default:
                node.WriteTo(writer);
                break;
        }
    }
}
