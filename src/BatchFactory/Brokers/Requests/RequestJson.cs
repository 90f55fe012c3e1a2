using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace BatchFactory.Brokers;

/// <summary>
/// The source-generated contracts of what requests carry: <see cref="LlmOptions"/> as the request's <c>options</c>
/// (snake-case names, nulls left out, so an unset setting never changes a key) and JSON schemas. No reflection, so
/// requests are made the same way in trimmed, native AOT and file-based apps.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(LlmOptions))]
[JsonSerializable(typeof(JsonNode))]
[JsonSerializable(typeof(long))]
internal sealed partial class RequestJson : JsonSerializerContext;
