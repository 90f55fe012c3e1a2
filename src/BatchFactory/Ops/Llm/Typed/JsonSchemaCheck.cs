using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace BatchFactory.Operators;

/// <summary>
/// Checks a JSON value against the part of JSON Schema that typed answers use: <c>type</c> (one or a list, with
/// <c>null</c>), <c>properties</c>, <c>required</c>, <c>additionalProperties: false</c>, <c>items</c>, <c>enum</c>,
/// <c>minimum</c>/<c>maximum</c>, <c>minLength</c>/<c>maxLength</c>, <c>minItems</c>/<c>maxItems</c> and <c>pattern</c>.
/// Each error names its JSON path, as <see cref="AnnotationValidator"/>'s do.
/// </summary>
internal static class JsonSchemaCheck
{
    public static void Check(JsonNode? value, JsonObject schema, string path, List<string> errors)
    {
        var kind = value?.GetValueKind() ?? JsonValueKind.Null;
        if (schema["type"] is { } type && !TypeAllows(type, value, kind))
        {
            errors.Add($"{path}: expected {Describe(type)}, found {Found(kind, value)}.");
            return;
        }

        if (schema["enum"] is JsonArray allowed && !allowed.Any(a => JsonNode.DeepEquals(a, value)))
        {
            errors.Add($"{path}: {value?.ToJsonString() ?? "null"} is not one of {allowed.ToJsonString()}.");
        }

        switch (value)
        {
            case JsonObject obj:
                CheckObject(obj, schema, path, errors);
                break;
            case JsonArray list:
                CheckLength(list.Count, schema, "minItems", "maxItems", "items", path, errors);
                if (schema["items"] is JsonObject items)
                {
                    for (var i = 0; i < list.Count; i++)
                    {
                        Check(list[i], items, $"{path}[{i}]", errors);
                    }
                }

                break;
            case JsonValue when kind == JsonValueKind.Number:
                var number = double.Parse(value.ToJsonString(), CultureInfo.InvariantCulture);
                if (Bound(schema, "minimum") is { } min && number < min)
                {
                    errors.Add($"{path}: {value.ToJsonString()} is less than the minimum {min.ToString(CultureInfo.InvariantCulture)}.");
                }

                if (Bound(schema, "maximum") is { } max && number > max)
                {
                    errors.Add($"{path}: {value.ToJsonString()} is more than the maximum {max.ToString(CultureInfo.InvariantCulture)}.");
                }

                break;
            case JsonValue when kind == JsonValueKind.String:
                var text = value.GetValue<string>();
                CheckLength(text.Length, schema, "minLength", "maxLength", "characters", path, errors);
                if (schema["pattern"] is JsonValue pattern && !Regex.IsMatch(text, pattern.GetValue<string>(), RegexOptions.None, TimeSpan.FromSeconds(1)))
                {
                    errors.Add($"{path}: does not match the pattern {pattern.GetValue<string>()}.");
                }

                break;
        }
    }

    private static void CheckObject(JsonObject obj, JsonObject schema, string path, List<string> errors)
    {
        var properties = schema["properties"] as JsonObject;
        foreach (var required in (schema["required"] as JsonArray ?? []).Select(r => r!.GetValue<string>()))
        {
            if (!obj.ContainsKey(required))
            {
                errors.Add($"{path}: the required property '{required}' is missing.");
            }
        }

        foreach (var (name, member) in obj)
        {
            if (properties?[name] is JsonObject memberSchema)
            {
                Check(member, memberSchema, $"{path}.{name}", errors);
            }
            else if (schema["additionalProperties"] is JsonValue extra && extra.GetValueKind() == JsonValueKind.False)
            {
                errors.Add($"{path}: '{name}' is not a property of this type.");
            }
        }
    }

    private static void CheckLength(int length, JsonObject schema, string minKey, string maxKey, string unit, string path, List<string> errors)
    {
        if (Bound(schema, minKey) is { } min && length < min)
        {
            errors.Add($"{path}: has {length} {unit}, fewer than {min.ToString(CultureInfo.InvariantCulture)}.");
        }

        if (Bound(schema, maxKey) is { } max && length > max)
        {
            errors.Add($"{path}: has {length} {unit}, more than {max.ToString(CultureInfo.InvariantCulture)}.");
        }
    }

    private static double? Bound(JsonObject schema, string key) =>
        schema[key] is JsonValue v && v.GetValueKind() == JsonValueKind.Number ? double.Parse(v.ToJsonString(), CultureInfo.InvariantCulture) : null;

    private static bool TypeAllows(JsonNode type, JsonNode? value, JsonValueKind kind) => type switch
    {
        JsonArray many => many.Any(t => t is not null && Is(t.GetValue<string>(), value, kind)),
        _ => Is(type.GetValue<string>(), value, kind),
    };

    private static bool Is(string type, JsonNode? value, JsonValueKind kind) => type switch
    {
        "object" => kind == JsonValueKind.Object,
        "array" => kind == JsonValueKind.Array,
        "string" => kind == JsonValueKind.String,
        "boolean" => kind is JsonValueKind.True or JsonValueKind.False,
        "null" => kind == JsonValueKind.Null,
        "number" => kind == JsonValueKind.Number,
        "integer" => kind == JsonValueKind.Number && long.TryParse(value!.ToJsonString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _),
        _ => false,
    };

    private static string Describe(JsonNode type) => type is JsonArray many ? string.Join(" or ", many.Select(t => t!.GetValue<string>())) : type.GetValue<string>();

    private static string Found(JsonValueKind kind, JsonNode? value) => kind switch
    {
        JsonValueKind.Null => "null",
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "a list",
        JsonValueKind.String => "a string",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        _ => value!.ToJsonString(),
    };
}
