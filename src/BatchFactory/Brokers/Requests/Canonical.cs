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
        // Built in place (prefixes are short constants such as "chat-v1"): one string per key rather than the hex digits and then the key.
        Span<char> key = stackalloc char[prefix.Length + 1 + (2 * SHA256.HashSizeInBytes)];
        prefix.CopyTo(key);
        key[prefix.Length] = ':';
        Convert.TryToHexStringLower(hash, key[(prefix.Length + 1)..], out _);
        return new string(key);
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

    // Objects made by our own code are built in key order; only others need sorting. (Indexing, unlike foreach, allocates nothing.)
    private static bool IsSorted(JsonObject obj)
    {
        for (var i = 1; i < obj.Count; i++)
        {
            if (string.CompareOrdinal(obj.GetAt(i - 1).Key, obj.GetAt(i).Key) >= 0)
            {
                return false;
            }
        }

        return true;
    }

    private static void Write(Utf8JsonWriter writer, JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                writer.WriteStartObject();
                if (IsSorted(obj))
                {
                    for (var i = 0; i < obj.Count; i++)
                    {
                        var (name, value) = obj.GetAt(i);
                        writer.WritePropertyName(name);
                        Write(writer, value);
                    }
                }
                else
                {
                    foreach (var (name, value) in obj.OrderBy(p => p.Key, StringComparer.Ordinal))
                    {
                        writer.WritePropertyName(name);
                        Write(writer, value);
                    }
                }

                writer.WriteEndObject();
                break;
            case JsonArray array:
                writer.WriteStartArray();
                for (var i = 0; i < array.Count; i++)
                {
                    Write(writer, array[i]);
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
