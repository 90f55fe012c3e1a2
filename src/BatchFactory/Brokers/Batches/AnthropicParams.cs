using System.Text.Json;
using System.Text.Json.Nodes;

namespace BatchFactory.Brokers;

/// <summary>
/// The Messages API parameters of a chat request (<see cref="ChatRequest"/>), as Anthropic's Microsoft.Extensions.AI
/// adapter builds them for the live call: system messages as <c>system</c> text blocks; the other messages with their
/// text as one text block (whitespace-only text left out, an assistant's trailing whitespace trimmed);
/// <c>max_tokens</c> (the request's, else the provider's default); <c>stop_sequences</c>; and for a typed answer whose
/// schema has <c>properties</c> and <c>required</c>, <c>output_config.format</c> of type <c>json_schema</c> (the schema
/// as an object without additional properties). Settings the adapter does not send are left out as it leaves them out:
/// seed and penalties, and (Anthropic 13.15's adapter) temperature and top_p, so a batch answer is asked for exactly as
/// the live answer stored under the same key was.
/// </summary>
internal static class AnthropicParams
{
    public static void Write(Utf8JsonWriter writer, JsonObject request, string model, int defaultMaxTokens)
    {
        var settings = request["options"] as JsonObject;
        var messages = request["messages"]!.AsArray();
        writer.WriteStartObject();
        writer.WriteString("model", model);
        writer.WritePropertyName("max_tokens");
        if (settings?["max_tokens"] is { } maxTokens)
        {
            maxTokens.WriteTo(writer);
        }
        else
        {
            writer.WriteNumberValue(defaultMaxTokens);
        }

        var system = messages.Where(m => Role(m) == "system").Select(Content).Where(t => t.Length > 0).ToList();
        if (system.Count > 0)
        {
            writer.WriteStartArray("system");
            foreach (var text in system)
            {
                TextBlock(writer, text);
            }

            writer.WriteEndArray();
        }

        writer.WriteStartArray("messages");
        foreach (var message in messages.Where(m => Role(m) != "system"))
        {
            var role = Role(message);
            var text = role == "assistant" ? Content(message).TrimEnd() : Content(message);
            writer.WriteStartObject();
            writer.WriteString("role", role);
            writer.WriteStartArray("content");
            if (!string.IsNullOrWhiteSpace(text))
            {
                TextBlock(writer, text);
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        Copy(writer, settings, "stop", "stop_sequences");
        if (request["response_format"]?["schema"] is JsonObject { } schema && schema["properties"] is JsonObject && schema["required"] is JsonArray)
        {
            writer.WriteStartObject("output_config");
            writer.WriteStartObject("format");
            writer.WriteString("type", "json_schema");
            writer.WriteStartObject("schema");
            foreach (var (name, value) in schema)
            {
                if (name is not ("type" or "additionalProperties"))
                {
                    writer.WritePropertyName(name);
                    Write(writer, value);
                }
            }

            writer.WriteString("type", "object");
            writer.WriteBoolean("additionalProperties", false);
            writer.WriteEndObject();
            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        writer.WriteEndObject();
    }

    private static string? Role(JsonNode? message) => message?["role"]?.GetValue<string>();

    private static string Content(JsonNode? message) => message?["content"]?.GetValue<string>() ?? "";

    private static void TextBlock(Utf8JsonWriter writer, string text)
    {
        writer.WriteStartObject();
        writer.WriteString("type", "text");
        writer.WriteString("text", text);
        writer.WriteEndObject();
    }

    private static void Copy(Utf8JsonWriter writer, JsonObject? settings, string from, string to)
    {
        if (settings?[from] is { } value)
        {
            writer.WritePropertyName(to);
            value.WriteTo(writer);
        }
    }

    private static void Write(Utf8JsonWriter writer, JsonNode? value)
    {
        if (value is null)
        {
            writer.WriteNullValue();
        }
        else
        {
            value.WriteTo(writer);
        }
    }
}
