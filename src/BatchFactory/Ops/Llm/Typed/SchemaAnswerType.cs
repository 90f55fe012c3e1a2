using System.Text.Json;
using System.Text.Json.Nodes;

namespace BatchFactory.Operators;

/// <summary>
/// An answer type given as a JSON schema rather than a .NET type (YAML pipelines declare theirs under <c>types:</c>):
/// the same wrapping, schema name and checks as <see cref="AnswerType{T}"/> (strict reading, the schema's required
/// members, types, enums, bounds and lengths via <see cref="JsonSchemaCheck"/>, then the validator), with the answer
/// kept as the JSON the model sent.
/// </summary>
internal sealed class SchemaAnswerType : AnswerType
{
    private const string BoxName = "value";
    private readonly JsonObject _valueSchema;
    private readonly Func<JsonNode, string?>? _validator;

    /// <param name="typeName">The type as people write it, e.g. <c>List&lt;QA&gt;</c>; also gives the schema name.</param>
    /// <param name="valueSchema">The schema of the value (as <see cref="AnswerType{T}"/> would make it for the same .NET type).</param>
    /// <param name="validator">Checks an otherwise valid value: a message means invalid. Default none.</param>
    public SchemaAnswerType(string typeName, JsonObject valueSchema, Func<JsonNode, string?>? validator = null)
    {
        _valueSchema = valueSchema;
        _validator = validator;
        TypeName = typeName;
        SchemaName = SchemaNameOf(typeName);
        Wrapped = !IsObject(valueSchema);
        Schema = Wrapped
            ? new JsonObject
            {
                ["type"] = "object",
                ["properties"] = new JsonObject { [BoxName] = valueSchema.DeepClone() },
                ["required"] = new JsonArray(BoxName),
                ["additionalProperties"] = false,
            }
            : (JsonObject)valueSchema.DeepClone();
    }

    public override string TypeName { get; }

    public override string SchemaName { get; }

    public override JsonObject Schema { get; }

    public override bool Wrapped { get; }

    /// <summary>The same type with <paramref name="validator"/> run on otherwise valid values.</summary>
    public SchemaAnswerType WithValidator(Func<JsonNode, string?> validator) => new(TypeName, _valueSchema, validator);

    public override AnswerCheck Check(string text, bool wrapped)
    {
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(text, documentOptions: new JsonDocumentOptions { AllowDuplicateProperties = false });
        }
        catch (JsonException ex)
        {
            return AnswerCheck.Invalid($"$: not JSON ({ex.Message})");
        }

        var path = "$";
        if (wrapped)
        {
            if (node is not JsonObject box || box.Count != 1 || !box.TryGetPropertyValue(BoxName, out var inner))
            {
                return AnswerCheck.Invalid($"$: expected an object with only '{BoxName}'.");
            }

            node = inner;
            path = "$." + BoxName;
        }

        if (node is null)
        {
            return AnswerCheck.Invalid($"{path}: null is not a {TypeName}.");
        }

        var errors = new List<string>();
        JsonSchemaCheck.Check(node, _valueSchema, path, errors);
        if (errors.Count == 0 && _validator?.Invoke(node) is { } message)
        {
            errors.Add($"{path}: {message}");
        }

        return errors.Count == 0 ? new AnswerCheck(node.DeepClone(), []) : new AnswerCheck(null, errors);
    }
}
