using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace BatchFactory.Operators;

/// <summary>
/// The serializer options typed answers are read with, and their schemas made from: the names entries use (as
/// declared) and the same contracts (<see cref="JsonFieldCodec.Contracts"/>), but strict: no numbers from strings, no
/// missing required members (constructor parameters included), no null where the type says not null, no unknown
/// members, names matched by case; enums as their names where the app allows reflection (elsewhere as the type's
/// contract says, e.g. <c>UseStringEnumConverter</c> in its <c>JsonSerializerContext</c>).
/// </summary>
internal static class StrictJson
{
    public static readonly JsonSerializerOptions Options = Create();

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonFieldCodec.Options)
        {
            NumberHandling = JsonNumberHandling.Strict,
            RespectNullableAnnotations = true,
            RespectRequiredConstructorParameters = true,
            UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
            PropertyNameCaseInsensitive = false,
        };

        if (JsonSerializer.IsReflectionEnabledByDefault)
        {
            options.Converters.Add(EnumNames());
        }

        options.MakeReadOnly();
        return options;
    }

    // The converter makes an EnumConverter<TEnum> per enum with MakeGenericType, which native AOT cannot do at run time.
    [UnconditionalSuppressMessage("AOT", "IL3050", Justification = "Only used when JsonSerializer.IsReflectionEnabledByDefault, which native AOT apps turn off.")]
    private static JsonStringEnumConverter EnumNames() => new(namingPolicy: null, allowIntegerValues: false);
}
