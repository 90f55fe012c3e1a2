using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using BatchFactory.Entries;

namespace BatchFactory;

/// <summary>Converts CLR values to JSON nodes and back, refusing what would not round-trip through JSON.</summary>
internal static class JsonFieldCodec
{
    /// <summary>Where the contracts of entry values come from: the user's resolvers, the library's, then reflection where the app allows it.</summary>
    public static readonly EntryContracts Contracts = new();

    /// <summary>
    /// The serializer options used for every conversion: property and field names as declared (public fields are
    /// included, so tuples and field-only types round-trip), no reference loops, contracts from <see cref="Contracts"/>.
    /// </summary>
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.General) { IncludeFields = true, TypeInfoResolver = Contracts };

    /// <summary>Converts a value to a JSON node that can be stored in an entry.</summary>
    /// <exception cref="ArgumentException">The value cannot be represented as JSON (NaN, infinity, a cycle, …).</exception>
    public static JsonNode? ToNode<T>(T value)
    {
        switch (value)
        {
            case null:
                return null;
            case JsonNode node:
                // A copy: the caller keeps its node, and entries never share nodes with each other.
                return node.DeepClone();
            case string s:
                return JsonValue.Create(s);
            case bool b:
                return JsonValue.Create(b);
            case int i:
                return JsonValue.Create(i);
            case long l:
                return JsonValue.Create(l);
            case double d:
                return double.IsFinite(d) ? JsonValue.Create(d) : throw NotJson(value, null);
            case float f:
                return float.IsFinite(f) ? JsonValue.Create(f) : throw NotJson(value, null);
            case decimal m:
                return JsonValue.Create(m);
        }

        try
        {
            return JsonSerializer.SerializeToNode(value, Options.GetTypeInfo(value.GetType()));
        }
        catch (Exception ex) when (IsSerializationError(ex))
        {
            throw NotJson(value, ex);
        }
    }

    /// <summary>Converts a stored JSON node to <typeparamref name="T"/>.</summary>
    /// <exception cref="InvalidCastException">The node does not hold a <typeparamref name="T"/>.</exception>
    public static T FromNode<T>(JsonNode? node)
    {
        if (node is null)
        {
            return default(T) is null ? default! : throw new InvalidCastException($"the value is null, which is not a {Describe(typeof(T))}");
        }

        if (node is T same)
        {
            return same;
        }

        if (node is JsonValue value && value.TryGetValue<T>(out var direct))
        {
            return direct;
        }

        try
        {
            return node.Deserialize((JsonTypeInfo<T>)Options.GetTypeInfo(typeof(T)))!;
        }
        catch (Exception ex) when (ex is JsonException or NotSupportedException or InvalidOperationException or FormatException)
        {
            throw new InvalidCastException(MissingContractException.In(ex)?.Message ?? $"{Preview(node)} is not a {Describe(typeof(T))}", ex);
        }
    }

    /// <summary>A short JSON rendering of a node for error messages (at most 80 characters).</summary>
    public static string Preview(JsonNode? node)
    {
        var text = node?.ToJsonString() ?? "null";
        return text.Length <= 80 ? text : string.Concat(text.AsSpan(0, 77), "...");
    }

    /// <summary>A readable type name for error messages, e.g. <c>List&lt;Int32&gt;</c>.</summary>
    public static string Describe(Type type)
    {
        if (!type.IsGenericType)
        {
            return type.Name;
        }

        var name = type.Name[..type.Name.IndexOf('`')];
        return $"{name}<{string.Join(", ", type.GetGenericArguments().Select(Describe))}>";
    }

    /// <summary>Whether <paramref name="ex"/> is how System.Text.Json says a value cannot be serialised.</summary>
    public static bool IsSerializationError(Exception ex) =>
        ex is JsonException or NotSupportedException or ArgumentException or InvalidOperationException;

    /// <summary>The error for a value that cannot be stored as JSON.</summary>
    public static ArgumentException NotJson(object value, Exception? inner) =>
        new($"a {Describe(value.GetType())} value ({value}) cannot be stored as JSON: " +
            (MissingContractException.In(inner)?.Message ?? "entry data must round-trip through JSON (no NaN or infinity, no cycles, only serialisable types)"), inner);
}
