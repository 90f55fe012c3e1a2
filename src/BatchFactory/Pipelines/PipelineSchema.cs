using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace BatchFactory;

/// <summary>
/// The JSON schema of the YAML pipeline format, made from <see cref="OpCatalog"/>: point an editor's YAML language
/// server at it (<c># yaml-language-server: $schema=…/docs/pipeline.schema.json</c>) for completion of op names,
/// arguments and allowed values, and of the <c>batchfactory:</c> section's settings. Scalar arguments also accept text, for <c>${var}</c>.
/// </summary>
public static class PipelineSchema
{
    /// <summary>The schema as indented JSON (draft 2020-12), the same for the same catalogue.</summary>
    /// <returns>The schema text, ending with a line break.</returns>
    public static string Generate()
    {
        var ops = new JsonArray();
        foreach (var op in OpCatalog.All.Where(o => o.InYaml))
        {
            var properties = new JsonObject();
            foreach (var parameter in op.Parameters)
            {
                var schema = Of(parameter);
                schema["description"] = parameter.Summary + (parameter.Required ? string.Empty : $" Default: {parameter.Default ?? "none"}.");
                properties[parameter.Name] = schema;
            }

            properties["id"] = new JsonObject { ["type"] = "string", ["description"] = "names the op for --set graph.<id>.<argument>=value" };
            var arguments = new JsonObject { ["type"] = "object", ["description"] = op.Summary, ["properties"] = properties, ["additionalProperties"] = false };
            var required = op.Parameters.Where(p => p.Required).Select(p => (JsonNode)p.Name).ToArray();
            if (required.Length > 0)
            {
                arguments["required"] = new JsonArray(required);
            }

            // The forms of '- Op: …': the arguments; the first one's value alone; nothing, when none is required.
            JsonNode?[] forms = [arguments, ShortForm(op), required.Length == 0 ? new JsonObject { ["type"] = "null" } : null];
            JsonNode value = forms.Count(f => f is not null) == 1 ? arguments : new JsonObject { ["anyOf"] = new JsonArray(forms.OfType<JsonNode>().ToArray()) };
            ops.Add((JsonNode)new JsonObject
            {
                ["type"] = "object",
                ["properties"] = new JsonObject { [op.Name] = value },
                ["required"] = new JsonArray(op.Name),
                ["additionalProperties"] = false,
            });
            if (required.Length == 0)
            {
                ops.Add((JsonNode)new JsonObject { ["const"] = op.Name });
            }
        }

        var root = new JsonObject
        {
            ["$schema"] = "https://json-schema.org/draft/2020-12/schema",
            ["title"] = "BatchFactory pipeline",
            ["type"] = "object",
            ["required"] = new JsonArray("graph"),
            ["additionalProperties"] = false,
            ["properties"] = new JsonObject
            {
                ["name"] = Text("the pipeline's name; names the project folder"),
                ["version"] = Text("the pipeline's version; names the project folder's version"),
                ["description"] = Text("what the pipeline does"),
                ["vars"] = new JsonObject
                {
                    ["type"] = "object",
                    ["description"] = "vars used as ${name}: a default, or {default, required, description}; no default means required",
                    ["additionalProperties"] = new JsonObject
                    {
                        ["anyOf"] = new JsonArray(
                            new JsonObject { ["type"] = new JsonArray("string", "number", "boolean", "null") },
                            new JsonObject { ["type"] = "object", ["properties"] = new JsonObject { ["default"] = new JsonObject(), ["required"] = new JsonObject { ["type"] = "boolean" }, ["description"] = new JsonObject { ["type"] = "string" } }, ["additionalProperties"] = false }),
                    },
                },
                ["types"] = new JsonObject
                {
                    ["type"] = "object",
                    ["description"] = "answer types: Name: {field: type[?] [= default] [% description]}",
                    ["additionalProperties"] = new JsonObject { ["type"] = "object", ["additionalProperties"] = Text("e.g. int(1..5) % a score") },
                },
                ["batchfactory"] = Pipelines.ConfigurationSchema.Section(),
                ["graph"] = new JsonObject { ["$ref"] = "#/$defs/graph" },
            },
            ["$defs"] = new JsonObject { ["graph"] = new JsonObject { ["type"] = "array", ["description"] = "the ops, in order", ["items"] = new JsonObject { ["anyOf"] = ops } } },
        };
        foreach (var (name, schema) in Pipelines.ConfigurationSchema.Definitions())
        {
            root["$defs"]![name] = schema;
        }

        return root.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }).ReplaceLineEndings("\n") + "\n";
    }

    // '- TakeFirstN: 5': the first parameter's value alone, when no other parameter is required. A mapping is read as
    // the arguments, so the short form is never an object.
    private static JsonObject? ShortForm(OpDescription op)
    {
        if (op.Parameters is not [var first, ..] || op.Parameters.Skip(1).Any(p => p.Required) || first.Type == "map")
        {
            return null;
        }

        var schema = first.Values is not null ? Of(first) : first.Type switch
        {
            "string" => new JsonObject { ["type"] = "string" },
            "any" => new JsonObject { ["not"] = new JsonObject { ["type"] = "object" } },
            _ => Of(first),
        };
        schema["description"] = $"short form: the value of '{first.Name}' ({first.Summary})";
        return schema;
    }

    private static JsonObject Text(string description) => new() { ["type"] = "string", ["description"] = description };

    private static JsonObject Of(OpParameter parameter)
    {
        if (parameter.Values is { } values)
        {
            return new JsonObject { ["enum"] = new JsonArray(values.Select(v => (JsonNode)v).ToArray()) };
        }

        return parameter.Type switch
        {
            "int" => new JsonObject { ["type"] = new JsonArray("integer", "string") },
            "number" => new JsonObject { ["type"] = new JsonArray("number", "string") },
            "bool" => new JsonObject { ["type"] = new JsonArray("boolean", "string") },
            "string[]" => new JsonObject { ["type"] = new JsonArray("array", "string"), ["items"] = new JsonObject { ["type"] = "string" } },
            "map" => new JsonObject { ["type"] = "object" },
            "list" => new JsonObject { ["type"] = "array" },
            "any" => [],
            "graph" => new JsonObject { ["$ref"] = "#/$defs/graph" },
            "string" => new JsonObject
            {
                ["anyOf"] = new JsonArray(
                    new JsonObject { ["type"] = "string" },
                    new JsonObject { ["type"] = "object", ["properties"] = new JsonObject { ["file"] = new JsonObject { ["type"] = "string" } }, ["required"] = new JsonArray("file"), ["additionalProperties"] = false }),
            },
            _ => new JsonObject { ["type"] = "string" },
        };
    }
}
