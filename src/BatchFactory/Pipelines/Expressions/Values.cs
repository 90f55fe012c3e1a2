using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace BatchFactory.Pipelines.Expressions;

/// <summary>What the operators and functions of expressions do with JSON values: numbers, strings, booleans, lists, objects and null.</summary>
internal static class Values
{
    public static JsonNode? Number(double value) =>
        value == Math.Floor(value) && Math.Abs(value) < 9e15 ? JsonValue.Create((long)value) : JsonValue.Create(value);

    public static bool IsNumber(JsonNode? node) => node is JsonValue v && v.GetValueKind() == JsonValueKind.Number;

    public static bool IsString(JsonNode? node) => node is JsonValue v && v.GetValueKind() == JsonValueKind.String;

    public static double AsNumber(JsonNode? node, string op) =>
        IsNumber(node) ? double.Parse(node!.ToJsonString(), CultureInfo.InvariantCulture) : throw Wrong(op, "a number", node);

    public static string AsString(JsonNode? node, string op) => IsString(node) ? node!.GetValue<string>() : throw Wrong(op, "a string", node);

    public static bool AsBool(JsonNode? node, string op) => node is JsonValue v && v.GetValueKind() is JsonValueKind.True or JsonValueKind.False
        ? v.GetValueKind() == JsonValueKind.True
        : throw Wrong(op, "true or false", node);

    /// <summary>Equality of JSON values, numbers by value (3 equals 3.0).</summary>
    public static bool Equal(JsonNode? a, JsonNode? b) =>
        IsNumber(a) && IsNumber(b) ? AsNumber(a, "==") == AsNumber(b, "==") : JsonNode.DeepEquals(a, b);

    /// <summary>Ordering of two numbers or two strings (ordinal).</summary>
    public static int Compare(JsonNode? a, JsonNode? b, string op) =>
        IsNumber(a) && IsNumber(b) ? AsNumber(a, op).CompareTo(AsNumber(b, op))
        : IsString(a) && IsString(b) ? string.CompareOrdinal(AsString(a, op), AsString(b, op))
        : throw new InvalidOperationException($"'{op}' compares two numbers or two strings, not {Show(a)} and {Show(b)}.");

    /// <summary>A value as text: a string as it is, anything else as JSON.</summary>
    public static string Text(JsonNode? node) => IsString(node) ? node!.GetValue<string>() : node?.ToJsonString() ?? "null";

    public static string Show(JsonNode? node)
    {
        var json = node?.ToJsonString() ?? "null";
        return json.Length <= 40 ? json : json[..37] + "...";
    }

    public static InvalidOperationException Wrong(string op, string expected, JsonNode? found) =>
        new($"'{op}' needs {expected}, not {Show(found)}.");
}
