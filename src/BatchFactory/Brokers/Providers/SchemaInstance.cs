using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace BatchFactory.Brokers;

/// <summary>
/// Makes a JSON value that a JSON schema accepts, deterministically from a seed: what the offline provider and the test
/// server (which compiles this file too) answer to a <c>json_schema</c> request. Objects get every listed property; lists
/// get <c>minItems</c> items, or 3 within <c>maxItems</c>; numbers lie within <c>minimum</c>/<c>maximum</c> (1–100 when
/// unbounded); strings are words drawn by the seed, within <c>minLength</c>/<c>maxLength</c>; enums and <c>const</c>
/// are honoured, <c>$ref</c> to <c>#/…</c> is followed, and of <c>anyOf</c>/<c>oneOf</c> or a list of types the first
/// that is not null is taken. Bounds moved into the description as <c>minimum: 1</c> lines (as Microsoft.Extensions.AI does
/// for OpenAI's strict mode) are honoured too. A <c>pattern</c> is not: a string it restricts may not match.
/// </summary>
internal sealed class SchemaInstance
{
    private const int DefaultItems = 3;
    private const int MaxDepth = 8;
    private static readonly string[] Words =
    [
        "amber", "basil", "cedar", "delta", "ember", "fjord", "gamma", "harbor", "iris", "juniper", "kestrel", "lumen",
        "maple", "nectar", "orbit", "prism", "quartz", "raven", "sable", "tundra", "umber", "vertex", "willow", "zephyr",
    ];

    private readonly JsonNode _root;
    private ulong _state;

    private SchemaInstance(JsonNode root, ulong seed)
    {
        _root = root;
        _state = seed;
    }

    /// <summary>A value <paramref name="schema"/> accepts, the same for the same schema and seed.</summary>
    public static JsonNode? Create(JsonNode schema, ulong seed) => new SchemaInstance(schema, seed).Value(schema, 0);

    private JsonNode? Value(JsonNode? schema, int depth)
    {
        if (schema is not JsonObject s)
        {
            return schema is JsonValue b && b.GetValueKind() == System.Text.Json.JsonValueKind.True ? JsonValue.Create("any") : null;
        }

        if (s["$ref"] is JsonValue reference && Resolve(reference.ToString()) is { } target && depth < MaxDepth)
        {
            return Value(target, depth + 1);
        }

        if (s["const"] is { } constant)
        {
            return constant.DeepClone();
        }

        if (s["enum"] is JsonArray choices && choices.Count > 0)
        {
            return choices[(int)(Next() % (ulong)choices.Count)]?.DeepClone();
        }

        if ((s["anyOf"] ?? s["oneOf"]) is JsonArray alternatives && alternatives.Count > 0)
        {
            var chosen = alternatives.FirstOrDefault(a => TypeOf(a as JsonObject) != "null") ?? alternatives[0];
            return Value(chosen, depth + 1);
        }

        return TypeOf(s) switch
        {
            "object" => Object(s, depth),
            "array" => Array(s, depth),
            "string" => String(s),
            "integer" => Number(s, integer: true),
            "number" => Number(s, integer: false),
            "boolean" => JsonValue.Create((Next() & 1) == 0),
            "null" => null,
            _ => s["properties"] is not null ? Object(s, depth) : JsonValue.Create(Word()),
        };
    }

    // The schema's type, or of a list of types the first that is not "null".
    private static string? TypeOf(JsonObject? schema) => schema?["type"] switch
    {
        JsonValue one => one.ToString(),
        JsonArray many => many.Select(t => t?.ToString()).FirstOrDefault(t => t != "null") ?? "null",
        _ => null,
    };

    private JsonObject Object(JsonObject schema, int depth)
    {
        var result = new JsonObject();
        if (schema["properties"] is JsonObject properties && depth < MaxDepth)
        {
            foreach (var (name, property) in properties)
            {
                result[name] = Value(property, depth + 1);
            }
        }

        return result;
    }

    private JsonArray Array(JsonObject schema, int depth)
    {
        var min = Int(schema, "minItems") ?? 0;
        var max = Int(schema, "maxItems") ?? int.MaxValue;
        var count = depth >= MaxDepth ? min : Math.Min(Math.Max(min, DefaultItems), max);
        var result = new JsonArray();
        for (var i = 0; i < count; i++)
        {
            result.Add(Value(schema["items"], depth + 1));
        }

        return result;
    }

    private JsonValue String(JsonObject schema)
    {
        var min = Int(schema, "minLength") ?? 0;
        var max = Int(schema, "maxLength") ?? int.MaxValue;
        var text = (schema["format"] as JsonValue)?.ToString() switch
        {
            "date-time" => "2026-01-01T00:00:00Z",
            "date" => "2026-01-01",
            "time" => "12:00:00",
            "uri" => "https://example.com/" + Word(),
            "email" => Word() + "@example.com",
            "uuid" => new Guid((int)Next(), (short)Next(), (short)Next(), 8, 0, 0, 0, 0, 0, 0, 0).ToString(),
            _ => Phrase(),
        };
        if (text.Length > max)
        {
            text = text[..max];
        }

        return JsonValue.Create(text.Length < min ? text.PadRight(min, 'x') : text);
    }

    private JsonValue Number(JsonObject schema, bool integer)
    {
        double? low = Double(schema, "minimum"), high = Double(schema, "maximum");
        double? lowOpen = Double(schema, "exclusiveMinimum"), highOpen = Double(schema, "exclusiveMaximum");
        var min = low ?? lowOpen ?? (high is { } h ? h - 99 : 1);
        var max = high ?? highOpen ?? (min + 99);
        if (integer)
        {
            var first = (long)Math.Ceiling(min) + (low is null && lowOpen is { } lo && Math.Ceiling(lo) == lo ? 1 : 0);
            var last = (long)Math.Floor(max) - (high is null && highOpen is { } ho && Math.Floor(ho) == ho ? 1 : 0);
            return JsonValue.Create(last < first ? first : first + (long)(Next() % (ulong)(last - first + 1)));
        }

        var fraction = ((Next() >> 11) + 1) * (1.0 / ((1UL << 53) + 2));
        return JsonValue.Create(Math.Round(min + ((max - min) * fraction), 6) is var x && x > min && x < max ? x : (min + max) / 2);
    }

    private string Phrase()
    {
        var text = new StringBuilder();
        for (var i = 0; i < 3; i++)
        {
            text.Append(i == 0 ? "" : " ").Append(Word());
        }

        return text.ToString();
    }

    private string Word() => Words[(int)(Next() % (ulong)Words.Length)];

    private JsonNode? Resolve(string pointer)
    {
        if (!pointer.StartsWith('#'))
        {
            return null;
        }

        var node = _root;
        foreach (var part in pointer[1..].Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            var name = part.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);
            node = node switch
            {
                JsonObject obj => obj[name],
                JsonArray list when int.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out var i) && i < list.Count => list[i],
                _ => null,
            };
            if (node is null)
            {
                return null;
            }
        }

        return node;
    }

    private static int? Int(JsonObject schema, string name) => Double(schema, name) is { } value ? (int)Math.Min(value, int.MaxValue) : null;

    // A keyword's number; or, as a model reading the schema would, a line "name: number" of the description, where
    // Microsoft.Extensions.AI moves keywords that OpenAI's strict mode does not take.
    public static double? Double(JsonObject schema, string name)
    {
        if (schema[name] is JsonValue value && value.GetValueKind() == System.Text.Json.JsonValueKind.Number)
        {
            return double.Parse(value.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture);
        }

        var line = (schema["description"] as JsonValue)?.ToString().Split('\n').FirstOrDefault(l => l.StartsWith(name + ": ", StringComparison.Ordinal));
        return line is not null && double.TryParse(line[(name.Length + 2)..], NumberStyles.Float, CultureInfo.InvariantCulture, out var number) ? number : null;
    }

    // SplitMix64: a stream of well-mixed numbers from the seed.
    private ulong Next()
    {
        _state += 0x9E3779B97F4A7C15;
        var z = _state;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EB;
        return z ^ (z >> 31);
    }
}
