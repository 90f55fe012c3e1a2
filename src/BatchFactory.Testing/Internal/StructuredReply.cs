using System.Text.Json;
using System.Text.Json.Nodes;
using BatchFactory.Brokers;

namespace BatchFactory.Testing.Internal;

/// <summary>The reply to a request with a JSON schema: JSON the schema accepts, made from a hash of the request, or that JSON spoiled as a <see cref="BadAnswerKind"/> says.</summary>
internal static class StructuredReply
{
    public static string Create(ChatRequestInfo request, BadAnswerKind? bad)
    {
        JsonNode schema;
        try
        {
            schema = JsonNode.Parse(request.JsonSchema!) ?? new JsonObject();
        }
        catch (JsonException e)
        {
            throw new BadRequestException($"response_format.json_schema.schema is not JSON: {e.Message}");
        }

        JsonNode? value = SchemaInstance.Create(schema, DeterministicContent.Hash(request));
        string json = value?.ToJsonString() ?? "null";
        switch (bad)
        {
            case null:
                return json;
            case BadAnswerKind.NotJson:
                return "I am sorry, but I cannot put that into JSON.";
            case BadAnswerKind.ProseWrapped:
                return "Here is the answer you asked for:\n```json\n" + json + "\n```\nI hope this helps.";
            case BadAnswerKind.Truncated:
                return json[..(json.Length / 2)];
            case BadAnswerKind.MissingRequired when FirstRequired(value, schema) is var (obj, name):
                obj.Remove(name);
                return value!.ToJsonString();
            case BadAnswerKind.OutOfRange when OutOfRange(value, schema):
                return value!.ToJsonString();
            case BadAnswerKind.ExtraMember when FirstObject(value) is { } obj:
                obj["unexpected"] = true;
                return value!.ToJsonString();
            default:
                if (FirstObject(value) is { Count: > 0 } first)
                {
                    string name = first.GetAt(0).Key;
                    first[name] = first[name] is JsonValue v && v.GetValueKind() == JsonValueKind.String ? 12345 : "wrong type";
                    return value!.ToJsonString();
                }

                return value is JsonValue scalar && scalar.GetValueKind() == JsonValueKind.String ? "12345" : "\"wrong type\"";
        }
    }

    private static JsonObject? FirstObject(JsonNode? value) => value switch
    {
        JsonObject obj => obj,
        JsonArray list => list.Select(FirstObject).FirstOrDefault(o => o is not null),
        _ => null,
    };

    // The first object (depth first) whose schema requires a member, with that member's name.
    private static (JsonObject, string)? FirstRequired(JsonNode? value, JsonNode? schema)
    {
        foreach ((JsonNode node, JsonObject nodeSchema) in Walk(value, schema))
        {
            if (node is JsonObject obj && nodeSchema["required"] is JsonArray { Count: > 0 } required
                && required[0]?.ToString() is { } name && obj.ContainsKey(name))
            {
                return (obj, name);
            }
        }

        return null;
    }

    private static bool OutOfRange(JsonNode? value, JsonNode? schema)
    {
        foreach ((JsonNode node, JsonObject nodeSchema) in Walk(value, schema))
        {
            if (node is not JsonValue number || number.GetValueKind() != JsonValueKind.Number)
            {
                continue;
            }

            double? bound = SchemaInstance.Double(nodeSchema, "maximum") + 1 ?? SchemaInstance.Double(nodeSchema, "minimum") - 1;
            if (bound is { } outside)
            {
                JsonNode replacement = outside == Math.Floor(outside) ? JsonValue.Create((long)outside) : JsonValue.Create(outside);
                number.ReplaceWith(replacement);
                return true;
            }
        }

        return false;
    }

    // Each node of the value with its schema, parents before children (schemas through "properties", "items" and the first object of "anyOf").
    private static IEnumerable<(JsonNode, JsonObject)> Walk(JsonNode? value, JsonNode? schema)
    {
        if (value is null || schema is not JsonObject s)
        {
            yield break;
        }

        if (s["anyOf"] is JsonArray alternatives)
        {
            s = alternatives.OfType<JsonObject>().FirstOrDefault(a => a["properties"] is not null || a["items"] is not null) ?? s;
        }

        yield return (value, s);
        if (value is JsonObject obj && s["properties"] is JsonObject properties)
        {
            foreach ((string name, JsonNode? child) in obj.ToList())
            {
                foreach ((JsonNode, JsonObject) pair in Walk(child, properties[name]))
                {
                    yield return pair;
                }
            }
        }
        else if (value is JsonArray list)
        {
            foreach (JsonNode? item in list.ToList())
            {
                foreach ((JsonNode, JsonObject) pair in Walk(item, s["items"]))
                {
                    yield return pair;
                }
            }
        }
    }
}
