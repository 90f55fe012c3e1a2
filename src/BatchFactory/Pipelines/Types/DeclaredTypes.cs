using System.Text.Json.Nodes;
using BatchFactory.Pipelines.Expressions;

namespace BatchFactory.Pipelines.Types;

/// <summary>
/// The types a pipeline declares under <c>types:</c>, as JSON schemas of typed answers, made as
/// <c>AskLLM&lt;T&gt;</c> makes them for the matching C# record (Microsoft.Extensions.AI's schema with every property
/// required and no others allowed), so a YAML pipeline and its C# twin send the same schema and share cache keys:
/// <c>str</c> → string, <c>int</c> → integer, <c>float</c> → number, <c>bool</c> → boolean, <c>T?</c> → also null,
/// ranges → minimum/maximum, minLength/maxLength or minItems/maxItems, <c>% text</c> → description.
/// </summary>
internal sealed class DeclaredTypes
{
    private readonly Dictionary<string, IReadOnlyList<(string Name, string Declaration)>> _fields;
    private readonly Dictionary<string, JsonObject> _made = new(StringComparer.Ordinal);
    private readonly HashSet<string> _making = new(StringComparer.Ordinal);

    /// <param name="fields">Each declared type's fields, in order, with their declarations.</param>
    public DeclaredTypes(Dictionary<string, IReadOnlyList<(string Name, string Declaration)>> fields)
    {
        _fields = fields;
    }

    /// <summary>The declared type names.</summary>
    public IEnumerable<string> Names => _fields.Keys;

    /// <summary>The schema of a declared type (its fields checked, nested types made), copied for the caller.</summary>
    /// <exception cref="TypeDeclarationException">A field declaration is wrong; it names the type and field.</exception>
    public JsonObject Object(string name)
    {
        if (!_made.TryGetValue(name, out var schema))
        {
            if (!_making.Add(name))
            {
                throw new TypeDeclarationException(name, null, $"type '{name}' contains itself; a typed answer cannot be recursive", 0);
            }

            var properties = new JsonObject();
            foreach (var (field, declaration) in _fields[name])
            {
                try
                {
                    properties[field] = Field(TypeSyntax.Parse(declaration));
                }
                catch (ExpressionException ex)
                {
                    throw new TypeDeclarationException(name, field, ex.Message, ex.Offset);
                }
            }

            schema = new JsonObject
            {
                ["type"] = "object",
                ["properties"] = properties,
                ["required"] = new JsonArray(_fields[name].Select(f => (JsonNode)f.Name).ToArray()),
                ["additionalProperties"] = false,
            };
            _made[name] = schema;
            _making.Remove(name);
        }

        return (JsonObject)schema.DeepClone();
    }

    /// <summary>A type expression as an answer type: its name as C# writes it (<c>List&lt;QA&gt;</c>) and its schema.</summary>
    /// <exception cref="ExpressionException">The expression names no known type.</exception>
    public (string TypeName, JsonObject Schema) Answer(string expression)
    {
        var syntax = TypeSyntax.Parse(expression);
        if (syntax.Nullable || syntax.Default is not null || syntax.Description is not null)
        {
            throw new ExpressionException($"'{expression}': an answer type is a type alone (no ?, = or %)", 0);
        }

        return (TypeName(syntax.Type), Schema(syntax.Type, nullable: false, description: null));
    }

    private JsonObject Field(TypeSyntax syntax)
    {
        var description = syntax.Default is null ? syntax.Description : $"{syntax.Description}{(syntax.Description is null ? string.Empty : " ")}(default: {syntax.Default})".Trim();
        return Schema(syntax.Type, syntax.Nullable, description);
    }

    private JsonObject Schema(string type, bool nullable, string? description)
    {
        var (bare, min, max) = TypeSyntax.Range(type);
        var schema = new JsonObject();
        if (description is not null)
        {
            schema["description"] = description;
        }

        if (Enum(bare) is { } names)
        {
            schema["type"] = Nullable("string", nullable);
            schema["enum"] = new JsonArray(names.Select(n => (JsonNode)n).ToArray());
            return schema;
        }

        if (List(bare) is { } item)
        {
            schema["type"] = Nullable("array", nullable);
            schema["items"] = Schema(item, nullable: false, description: null);
            Bounds(schema, "minItems", "maxItems", min, max);
            return schema;
        }

        switch (bare)
        {
            case "str" or "string":
                schema["type"] = Nullable("string", nullable);
                Bounds(schema, "minLength", "maxLength", min, max);
                return schema;
            case "int" or "integer" or "float" or "number":
                schema["type"] = Nullable(bare is "int" or "integer" ? "integer" : "number", nullable);
                Bounds(schema, "minimum", "maximum", min, max);
                return schema;
            case "bool" or "boolean":
                schema["type"] = Nullable("boolean", nullable);
                return schema;
        }

        if (!_fields.ContainsKey(bare))
        {
            throw new ExpressionException($"'{bare}' is not a type: use str, int, float, bool, list[T], enum[a, b] or a type declared under types: ({(_fields.Count == 0 ? "none is" : string.Join(", ", _fields.Keys) + " are")})", 0);
        }

        if (min is not null || max is not null)
        {
            throw new ExpressionException($"'{type}': a range applies to int, float, str and list", 0);
        }

        var obj = Object(bare);
        if (nullable)
        {
            obj["type"] = Nullable("object", true);
        }

        if (description is null)
        {
            return obj;
        }

        var described = new JsonObject { ["description"] = description };
        foreach (var (key, value) in obj.ToArray())
        {
            obj.Remove(key);
            described[key] = value;
        }

        return described;
    }

    private static string TypeName(string type)
    {
        var (bare, _, _) = TypeSyntax.Range(type);
        return Enum(bare) is not null ? "String"
            : bare.EndsWith("[]", StringComparison.Ordinal) ? TypeName(bare[..^2].Trim()) + "[]"
            : List(bare) is { } item ? $"List<{TypeName(item)}>"
            : bare switch
            {
                "str" or "string" => "String",
                "int" or "integer" => "Int32",
                "float" or "number" => "Double",
                "bool" or "boolean" => "Boolean",
                _ => bare,
            };
    }

    private static string? List(string type) =>
        type.StartsWith("list[", StringComparison.Ordinal) && type.EndsWith(']') ? type[5..^1].Trim()
        : type.EndsWith("[]", StringComparison.Ordinal) ? type[..^2].Trim()
        : null;

    private static string[]? Enum(string type) =>
        type.StartsWith("enum[", StringComparison.Ordinal) && type.EndsWith(']')
            ? type[5..^1].Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries) is { Length: > 0 } names ? names : throw new ExpressionException($"'{type}' lists no values", 0)
            : null;

    private static JsonNode Nullable(string type, bool nullable) => nullable ? new JsonArray(type, "null") : JsonValue.Create(type);

    private static void Bounds(JsonObject schema, string minKey, string maxKey, double? min, double? max)
    {
        if (min is { } low)
        {
            schema[minKey] = TypeSyntax.BoundNode(low);
        }

        if (max is { } high)
        {
            schema[maxKey] = TypeSyntax.BoundNode(high);
        }
    }
}
