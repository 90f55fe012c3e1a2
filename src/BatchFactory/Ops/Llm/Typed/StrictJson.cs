using System.Text.Json;
using System.Text.Json.Serialization;

namespace BatchFactory.Operators;

/// <summary>
/// The serializer options typed answers are read with, and their schemas made from: the names entries use (as
/// declared), but strict: no numbers from strings, no missing required members (constructor parameters included), no
/// null where the type says not null, no unknown members, names matched by case; enums as their names.
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
            Converters = { new JsonStringEnumConverter(namingPolicy: null, allowIntegerValues: false) },
        };
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
