using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
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

    /// <summary>The member a type that is not an object is wrapped in, as the model answers it: <c>{"value": …}</c>.</summary>
    private const string BoxName = "value";

    private readonly Func<T, string?>? _validator;

    /// <summary>An answer type checked by <paramref name="validator"/>, if any, whose contract comes from <paramref name="typeInfo"/>'s resolver, if given.</summary>
    /// <exception cref="ArgumentException"><paramref name="typeInfo"/> is not of a resolver (made by hand rather than by a context).</exception>
    public AnswerType(Func<T, string?>? validator, JsonTypeInfo<T>? typeInfo = null)
    {
        _validator = validator;
        if (typeInfo is not null)
        {
            // Entries keep the answer as JSON; reading it back (entry.Get<T>, result.Values<T>()) needs the same contract.
            JsonFieldCodec.Contracts.Add(typeInfo.Options.TypeInfoResolver
                ?? throw new ArgumentException($"the JsonTypeInfo of {Pretty(typeof(T))} has no resolver: pass one of a JsonSerializerContext, e.g. MyContext.Default.{typeof(T).Name}.", nameof(typeInfo)));
        }

        var schema = SchemaOf(typeof(T));
        Wrapped = !IsObject(schema);
        Schema = Wrapped ? Box(schema) : schema;
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
                ? Unbox(text)
                : JsonSerializer.Deserialize(text, Contract);
        }
        catch (JsonException ex)
        {
            return AnswerCheck.Invalid($"{ex.Path ?? "$"}: {Describe(ex)}");
        }

        var path = wrapped ? "$." + BoxName : "$";
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

    private static JsonTypeInfo<T> Contract => (JsonTypeInfo<T>)StrictJson.Options.GetTypeInfo(typeof(T));

    private static JsonObject SchemaOf(Type type)
    {
        var schema = (JsonObject)JsonNode.Parse(AIJsonUtilities.CreateJsonSchema(type, serializerOptions: StrictJson.Options, inferenceOptions: SchemaOptions).GetRawText())!;
        schema.Remove("$schema");
        return schema;
    }

    // The box is built by hand rather than as a type of its own, so a wrapped answer needs only T's contract: an object
    // whose one member, required, is T, which may not be null (null is not a T). Its keys are in the order the schema of
    // a box type had, so requests (and their keys) stay byte for byte what they were.
    private static JsonObject Box(JsonObject value)
    {
        if (value["type"] is JsonArray types && types.Count == 2 && types.Any(t => t?.ToString() == "null"))
        {
            value["type"] = types.First(t => t?.ToString() != "null")!.ToString();
        }

        return new JsonObject
        {
            ["type"] = "object",
            ["properties"] = new JsonObject { [BoxName] = value },
            ["required"] = new JsonArray(BoxName),
            ["additionalProperties"] = false,
        };
    }

    // Reads {"value": …} as strictly as a type of its own would be read; errors inside the value have its path.
    private static T? Unbox(string text)
    {
        var box = JsonNode.Parse(text) switch
        {
            JsonObject one => one,
            null => throw new JsonException($"null is not an object with '{BoxName}'."),
            var other => throw new JsonException($"{other.GetValueKind()} is not an object with '{BoxName}'.", "$", null, null),
        };
        if (box.FirstOrDefault(p => p.Key != BoxName) is { Key: { } unknown })
        {
            throw new JsonException($"The JSON property '{unknown}' could not be mapped: the object has only '{BoxName}'.", "$", null, null);
        }

        if (!box.TryGetPropertyValue(BoxName, out var value))
        {
            throw new JsonException($"The object is missing its required property '{BoxName}'.", "$", null, null);
        }

        try
        {
            return value.Deserialize(Contract);
        }
        catch (JsonException ex)
        {
            throw new JsonException(ex.Message, "$." + BoxName + ex.Path?[1..], null, null, ex);
        }
    }

    private static string Pretty(Type type) => type switch
    {
        { IsArray: true } => Pretty(type.GetElementType()!) + "[]",
        { IsGenericType: true } when Nullable.GetUnderlyingType(type) is { } inner => Pretty(inner) + "?",
        { IsGenericType: true } => type.Name[..type.Name.IndexOf('`', StringComparison.Ordinal)] + "<" + string.Join(", ", type.GetGenericArguments().Select(Pretty)) + ">",
        _ => type.Name,
    };
}
