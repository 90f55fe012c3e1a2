using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Microsoft.Extensions.AI;

namespace BatchFactory.Operators;

/// <summary>
/// The answer type <typeparamref name="T"/>: its schema from Microsoft.Extensions.AI (descriptions, required and
/// nullable members, enums by name, DataAnnotations ranges, lengths and patterns; every property required and no others
/// allowed, as strict mode wants), strict reading (<see cref="StrictJson"/>), DataAnnotations
/// (<see cref="AnnotationValidator"/>) and the user's validator, which runs last, on an otherwise valid value.
/// </summary>
internal sealed class AnswerType<T> : AnswerType
{
    private static readonly AIJsonSchemaCreateOptions SchemaOptions = new()
    {
        TransformOptions = new AIJsonSchemaTransformOptions
        {
            DisallowAdditionalProperties = true,
            RequireAllProperties = true,
            MoveDefaultKeywordToDescription = true,
        },
    };

    private readonly Func<T, string?>? _validator;

    public AnswerType(Func<T, string?>? validator)
    {
        _validator = validator;
        var schema = SchemaOf(typeof(T));
        Wrapped = !IsObject(schema);
        Schema = Wrapped ? Wrap(SchemaOf(typeof(Box))) : schema;
        TypeName = Pretty(typeof(T));
        SchemaName = SchemaNameOf(TypeName);
    }

    public override string TypeName { get; }

    public override string SchemaName { get; }

    public override JsonObject Schema { get; }

    public override bool Wrapped { get; }

    public override AnswerCheck Check(string text, bool wrapped)
    {
        T? value;
        try
        {
            value = wrapped
                ? (JsonSerializer.Deserialize<Box>(text, StrictJson.Options) ?? throw new JsonException($"null is not an object with '{Box.Name}'.")).Value
                : JsonSerializer.Deserialize<T>(text, StrictJson.Options);
        }
        catch (JsonException ex)
        {
            return AnswerCheck.Invalid($"{ex.Path ?? "$"}: {Describe(ex)}");
        }

        var path = wrapped ? "$." + Box.Name : "$";
        if (value is null)
        {
            return AnswerCheck.Invalid($"{path}: null is not a {TypeName}.");
        }

        var errors = new List<string>();
        AnnotationValidator.Check(value, path, errors);
        if (errors.Count == 0 && _validator?.Invoke(value) is { } message)
        {
            errors.Add($"{path}: {message}");
        }

        return errors.Count == 0 ? new AnswerCheck(JsonFieldCodec.ToNode(value), []) : new AnswerCheck(null, errors);
    }

    // The exception's message without the position STJ appends (the path is said first).
    private static string Describe(JsonException ex)
    {
        var message = ex.Message;
        var at = message.IndexOf(" Path: ", StringComparison.Ordinal);
        return at < 0 ? message : message[..at];
    }

    private static JsonObject SchemaOf(Type type)
    {
        var schema = (JsonObject)JsonNode.Parse(AIJsonUtilities.CreateJsonSchema(type, serializerOptions: StrictJson.Options, inferenceOptions: SchemaOptions).GetRawText())!;
        schema.Remove("$schema");
        return schema;
    }

    // The box's value is T, which may not be null (null is not a T): its schema says so.
    private static JsonObject Wrap(JsonObject box)
    {
        if (box["properties"]?[Box.Name] is JsonObject value && value["type"] is JsonArray types && types.Count == 2 && types.Any(t => t?.ToString() == "null"))
        {
            value["type"] = types.First(t => t?.ToString() != "null")!.ToString();
        }

        return box;
    }

    private static string Pretty(Type type) => type switch
    {
        { IsArray: true } => Pretty(type.GetElementType()!) + "[]",
        { IsGenericType: true } when Nullable.GetUnderlyingType(type) is { } inner => Pretty(inner) + "?",
        { IsGenericType: true } => type.Name[..type.Name.IndexOf('`', StringComparison.Ordinal)] + "<" + string.Join(", ", type.GetGenericArguments().Select(Pretty)) + ">",
        _ => type.Name,
    };

    /// <summary>A type that is not an object, as the model answers it: <c>{"value": …}</c>.</summary>
    private sealed class Box
    {
        public const string Name = "value";

        [JsonPropertyName(Name)]
        [JsonRequired]
        public T Value { get; init; } = default!;
    }
}
