using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using System.Text.Json.Nodes;
using BatchFactory.Brokers;

namespace BatchFactory.Pipelines;

/// <summary>
/// The JSON schema of a pipeline's <c>batchfactory:</c> section: the sections of the <c>BatchFactory</c> configuration
/// section (<see cref="BatchFactoryConfiguration"/>) and the settings of the options types they bind, so an editor
/// completes and checks them. Keys match in any case, as configuration keys do: each setting is listed under its name
/// (for completion) and under a pattern matching its name in any case.
/// </summary>
internal static class ConfigurationSchema
{
    // The options types bound from configuration, by the name of their schema in $defs.
    private static readonly Dictionary<Type, string> Defined = new()
    {
        [typeof(ProviderSettings)] = "provider",
        [typeof(RateLimitOptions)] = "rateLimit",
        [typeof(RetryOptions)] = "retry",
        [typeof(CircuitBreakerOptions)] = "circuitBreaker",
        [typeof(BrokerOptions)] = "broker",
        [typeof(BatchOptions)] = "batch",
        [typeof(PriceSettings)] = "price",
    };

    /// <summary>The schema of the <c>batchfactory:</c> section; its options types are <c>$ref</c>s into <see cref="Definitions"/>.</summary>
    public static JsonObject Section()
    {
        var perModel = new JsonObject { ["pattern"] = "^.+@.+$" };
        var sections = new Dictionary<string, JsonNode>(StringComparer.Ordinal)
        {
            ["Providers"] = Map("named providers; model@name resolves by name", Ref("provider")),
            ["Strategies"] = Map("fallback chains, used as name@fallback", Object("a fallback chain", new(StringComparer.Ordinal)
            {
                ["Fallback"] = new JsonObject { ["type"] = "array", ["description"] = "the models in order, each model@provider", ["items"] = new JsonObject { ["type"] = "string", ["pattern"] = "^.+@.+$" } },
                ["MaxWait"] = Text("how long a rate-limited member is waited for before the next is tried, e.g. 00:00:10"),
            })),
            ["Broker"] = Ref("broker", "for every model"),
            ["BrokerFor"] = Map("broker settings per model@provider", Ref("broker"), perModel),
            ["Batch"] = Ref("batch", "for every model"),
            ["BatchFor"] = Map("batch settings per model@provider", Ref("batch"), perModel.DeepClone()),
            ["Prices"] = Map("prices by model name, above the built-in ones", Ref("price")),
            ["Project"] = Object("the project folder (used by AddBatchFactory)", new(StringComparer.Ordinal)
            {
                ["Name"] = Text("the project's name"),
                ["Version"] = Text("its version; default 1"),
                ["DataDirectory"] = Text("the folder holding the projects; default data"),
            }),
            ["TraceContent"] = new JsonObject { ["type"] = new JsonArray("boolean", "string"), ["description"] = "record prompts and answers in OpenTelemetry spans; default false" },
        };
        return Object("the BatchFactory configuration section (keys in any case)", sections);
    }

    /// <summary>The schemas of the options types the section binds, for the root's <c>$defs</c>.</summary>
    public static IEnumerable<(string Name, JsonObject Schema)> Definitions() =>
    [
        Of(typeof(ProviderSettings), "a named provider: its kind and settings (ProviderSettings)"),
        Of(typeof(RateLimitOptions), "requests and tokens per minute and calls in flight (RateLimitOptions)"),
        Of(typeof(RetryOptions), "how failed calls are retried (RetryOptions)"),
        Of(typeof(CircuitBreakerOptions), "when the run stops calling an unavailable provider (CircuitBreakerOptions)"),
        Of(typeof(BrokerOptions), "pacing, retries and circuit breaker of model calls (BrokerOptions)"),
        Of(typeof(BatchOptions), "how batch-mode requests are batched, submitted and collected (BatchOptions)"),
        Of(typeof(PriceSettings), "US dollars per million tokens; the batch prices default to half the live ones (PriceSettings)"),
    ];

    // An options type's settings: its public writable properties the binder can set from text.
    private static (string Name, JsonObject Schema) Of([DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicProperties)] Type type, string description)
    {
        var properties = new Dictionary<string, JsonNode>(StringComparer.Ordinal);
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite))
        {
            if (property.Name == nameof(ProviderSettings.Kind) && type == typeof(ProviderSettings))
            {
                properties[property.Name] = new JsonObject { ["anyOf"] = new JsonArray(new JsonObject { ["enum"] = new JsonArray(ProviderKinds.BuiltIn.Select(k => (JsonNode)k).ToArray()) }, new JsonObject { ["type"] = "string" }), ["description"] = "a built-in kind or one registered with ModelProviders.WithKind" };
            }
            else if (Value(property.PropertyType) is { } schema)
            {
                properties[property.Name] = schema;
            }
        }

        return (Defined[type], Object(description, properties));
    }

    // A setting's value: text for ${var} wherever a number or a flag goes; null for what configuration cannot set.
    private static JsonNode? Value(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (Defined.TryGetValue(type, out var defined))
        {
            return Ref(defined);
        }

        var generic = type.IsGenericType ? type.GetGenericTypeDefinition() : null;
        if ((generic == typeof(IDictionary<,>) || generic == typeof(Dictionary<,>)) && type.GetGenericArguments() is [var key, var value] && key == typeof(string) && Value(value) is { } values)
        {
            return Map(null, values);
        }

        if ((generic == typeof(IList<>) || generic == typeof(List<>) || generic == typeof(IReadOnlyList<>)) && Value(type.GetGenericArguments()[0]) is { } items)
        {
            return new JsonObject { ["type"] = "array", ["items"] = items };
        }

        return type switch
        {
            _ when type == typeof(int) || type == typeof(long) => new JsonObject { ["type"] = new JsonArray("integer", "string") },
            _ when type == typeof(double) || type == typeof(decimal) => new JsonObject { ["type"] = new JsonArray("number", "string") },
            _ when type == typeof(bool) => new JsonObject { ["type"] = new JsonArray("boolean", "string") },
            _ when type == typeof(string) => new JsonObject { ["type"] = "string" },
            _ when type == typeof(TimeSpan) => Text("a time span, e.g. 00:00:10"),
            _ when type == typeof(DateTimeOffset) => Text("a date and time, e.g. 2030-01-31T18:00:00Z"),
            _ => null,
        };
    }

    // An object of known keys: each listed by name, and matched in any case by a pattern; no other key.
    private static JsonObject Object(string description, Dictionary<string, JsonNode> properties)
    {
        var named = new JsonObject();
        var anyCase = new JsonObject();
        foreach (var (name, schema) in properties)
        {
            named[name] = schema;
            anyCase[AnyCase(name)] = schema.DeepClone();
        }

        return new JsonObject { ["type"] = "object", ["description"] = description, ["properties"] = named, ["patternProperties"] = anyCase, ["additionalProperties"] = false };
    }

    private static JsonObject Map(string? description, JsonNode values, JsonNode? names = null)
    {
        var map = new JsonObject { ["type"] = "object" };
        if (description is not null)
        {
            map["description"] = description;
        }

        if (names is not null)
        {
            map["propertyNames"] = names;
        }

        map["additionalProperties"] = values;
        return map;
    }

    private static JsonObject Ref(string name, string? description = null) => description is null
        ? new JsonObject { ["$ref"] = $"#/$defs/{name}" }
        : new JsonObject { ["$ref"] = $"#/$defs/{name}", ["description"] = description };

    private static JsonObject Text(string description) => new() { ["type"] = "string", ["description"] = description };

    // "^[Mm][Aa][Xx]$" for "Max": the name in any case (names are letters only).
    private static string AnyCase(string name) =>
        "^" + string.Concat(name.Select(c => char.IsLetter(c) ? $"[{char.ToUpperInvariant(c)}{char.ToLowerInvariant(c)}]" : c.ToString())) + "$";
}
