using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;

namespace BatchFactory.Brokers;

/// <summary>
/// An LLM request as it is stored on an entry (field <c>llm_request</c> by default) and hashed for the cache:
/// <c>{"messages":[{"content":…,"role":…}],"model":"m@p","options":{…},"response_format":{…},"sample":n}</c>.
/// </summary>
internal static class ChatRequest
{
    /// <summary>Bump when the canonical form changes, so old cache entries are not mistaken for new requests.</summary>
    public const string KeyVersion = "chat-v1";

    /// <summary>
    /// A request of <paramref name="model"/> (its <c>model@provider</c> text) with the <paramref name="messages"/> (see
    /// <see cref="Message"/>) and <paramref name="settings"/> (see <see cref="Settings"/>; <see langword="null"/> for the
    /// provider's defaults), which it takes as its own, the <paramref name="sample"/> index (0 is left out), and the
    /// <paramref name="responseFormat"/> of a typed answer (see <see cref="JsonSchemaFormat"/>; left out when
    /// <see langword="null"/>, so plain requests keep their keys).
    /// </summary>
    public static JsonObject Create(string model, JsonArray messages, JsonObject? settings, int sample, JsonObject? responseFormat = null)
    {
        // Keys in ordinal order, the canonical form, so hashing needs no sorting.
        var request = new JsonObject
        {
            ["messages"] = messages,
            ["model"] = model,
        };
        if (settings is not null)
        {
            request["options"] = settings;
        }

        if (responseFormat is not null)
        {
            request["response_format"] = responseFormat;
        }

        if (sample != 0)
        {
            request["sample"] = sample;
        }

        return request;
    }

    /// <summary>
    /// The <c>response_format</c> part of a request that asks for JSON matching <paramref name="schema"/>:
    /// <c>{"name":…,"schema":…,"strict":true}</c>, sent to the provider as <c>response_format: json_schema</c> in strict mode.
    /// </summary>
    public static JsonObject JsonSchemaFormat(string name, JsonObject schema) =>
        new() { ["name"] = name, ["schema"] = schema, ["strict"] = true };

    /// <summary>One message of a request.</summary>
    public static JsonObject Message(string role, string content) => new() { ["content"] = content, ["role"] = role };

    /// <summary>The settings part of a request; <see langword="null"/> when none is set.</summary>
    public static JsonObject? Settings(LlmOptions? options) =>
        options is not null && JsonSerializer.SerializeToNode(options, RequestJson.Default.LlmOptions) is JsonObject settings && settings.Count > 0 ? settings : null;

    /// <summary>The cache key: the key version and the SHA-256 of the request's canonical JSON (object keys sorted).</summary>
    public static string Key(JsonObject request) => Canonical.Key(KeyVersion, request);

    public static List<ChatMessage> Messages(JsonObject request) =>
        [.. request["messages"]!.AsArray().Select(m => new ChatMessage(new ChatRole(m!["role"]!.GetValue<string>()), m["content"]!.GetValue<string>()))];

    public static ChatOptions? Options(JsonObject request)
    {
        var options = request["options"] is JsonObject settings ? ChatOptionsOf(settings) : null;
        if (request["response_format"] is JsonObject format)
        {
            options ??= new ChatOptions();
            options.ResponseFormat = ResponseFormat(format);
            options.AdditionalProperties = new AdditionalPropertiesDictionary { ["strict"] = format["strict"]?.GetValueKind() == JsonValueKind.True };
        }

        return options;
    }

    // The format of a schema, made once per schema: every request of an op carries the same one, and a client may keep
    // what it derives from it (such as a strict-mode schema) with the format object. At most MaxFormats are kept.
    private static ChatResponseFormat ResponseFormat(JsonObject format)
    {
        var text = format.ToJsonString();
        if (Formats.TryGetValue(text, out var known))
        {
            return known;
        }

        var made = ChatResponseFormat.ForJsonSchema(JsonSerializer.SerializeToElement(format["schema"], RequestJson.Default.JsonNode), format["name"]?.ToString());
        return Formats.Count < MaxFormats ? Formats.GetOrAdd(text, made) : made;
    }

    private static ChatOptions ChatOptionsOf(JsonObject settings)
    {
        var options = settings.Deserialize(RequestJson.Default.LlmOptions)!;
        return new ChatOptions
        {
            Temperature = (float?)options.Temperature,
            MaxOutputTokens = options.MaxTokens,
            TopP = (float?)options.TopP,
            Seed = options.Seed,
            StopSequences = options.Stop?.ToList(),
            FrequencyPenalty = (float?)options.FrequencyPenalty,
            PresencePenalty = (float?)options.PresencePenalty,
        };
    }

    private const int MaxFormats = 256;
    private static readonly ConcurrentDictionary<string, ChatResponseFormat> Formats = new(StringComparer.Ordinal);
}
