using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace BatchFactory.Brokers;

/// <summary>JSON in one canonical form, for hashing: object properties sorted by ordinal name, no whitespace.</summary>
internal static class Canonical
{
    public static byte[] Utf8(JsonNode node)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            Write(writer, node);
        }

        return buffer.WrittenSpan.ToArray();
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
