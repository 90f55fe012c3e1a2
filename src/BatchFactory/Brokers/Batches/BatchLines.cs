using System.Buffers;
using System.ClientModel.Primitives;
using System.Runtime.CompilerServices;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using OpenAI.Chat;

namespace BatchFactory.Brokers;

/// <summary>
/// The lines of batch files: a request line (<c>{"custom_id","method","url","body"}</c>, the body as the live call
/// sends it) and the answer a result line carries, in the shape <see cref="IAnswerSource"/> returns.
/// </summary>
internal static class BatchLines
{
    /// <summary>The endpoint of chat requests.</summary>
    public const string ChatEndpoint = "/v1/chat/completions";

    /// <summary>The endpoint of embedding requests.</summary>
    public const string EmbeddingsEndpoint = "/v1/embeddings";

    private static readonly ModelReaderWriterOptions WireOptions = new("J");

    // Per response format (ChatRequest makes one per schema): the JSON a batch line carries.
    private static readonly ConditionalWeakTable<Microsoft.Extensions.AI.ChatResponseFormat, byte[]> Compact = new();
    private static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The endpoint a request goes to.</summary>
    public static string Endpoint(ModelRequest request) => request is EmbeddingCall ? EmbeddingsEndpoint : ChatEndpoint;

    /// <summary>
    /// Writes one request line, ending in a newline, with the request's key as <c>custom_id</c>, <paramref name="modelName"/>
    /// as the body's <c>model</c> and <paramref name="url"/> (default: the request's <see cref="Endpoint"/>) as its <c>url</c>.
    /// </summary>
    public static void Write(Stream stream, ModelRequest request, string modelName, string? url = null)
    {
        using (var writer = new Utf8JsonWriter(stream, Options))
        {
            writer.WriteStartObject();
            writer.WriteString("custom_id", request.Key);
            writer.WriteString("method", "POST");
            writer.WriteString("url", url ?? Endpoint(request));
            writer.WritePropertyName("body");
            switch (request)
            {
                case ChatCall chat:
                    WriteChat(writer, chat.Request, modelName);
                    break;
                case EmbeddingCall embedding:
                    writer.WriteStartObject();
                    writer.WriteString("model", modelName);
                    writer.WriteString("input", embedding.Text);
                    writer.WriteString("encoding_format", "base64");
                    writer.WriteEndObject();
                    break;
                default:
                    throw new ArgumentException($"A batch cannot hold a {request.GetType().Name}.", nameof(request));
            }

            writer.WriteEndObject();
        }

        stream.WriteByte((byte)'\n');
    }

    /// <summary>
    /// Reads one line of an output or error file: the request's key, and either the answer (for the model
    /// <paramref name="model"/>) or the error the provider gave.
    /// </summary>
    /// <exception cref="FormatException">The line is not a result line.</exception>
    public static (string Key, JsonObject? Answer, string? Error) Read(ReadOnlySpan<byte> line, string model, string batchId)
    {
        var reader = new Utf8JsonReader(line);
        using var document = JsonDocument.ParseValue(ref reader);
        var root = document.RootElement;
        var key = root.TryGetProperty("custom_id", out var id) && id.ValueKind == JsonValueKind.String
            ? id.GetString()!
            : throw new FormatException($"A result line of batch '{batchId}' has no custom_id.");
        if (root.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object)
        {
            return (key, null, Describe(error, batchId));
        }

        if (!root.TryGetProperty("response", out var response) || response.ValueKind != JsonValueKind.Object)
        {
            return (key, null, $"Batch '{batchId}' gave no response for the request.");
        }

        var status = response.TryGetProperty("status_code", out var code) && code.TryGetInt32(out var number) ? number : 0;
        if (!response.TryGetProperty("body", out var body) || body.ValueKind != JsonValueKind.Object)
        {
            return (key, null, $"Batch '{batchId}' answered the request with status {status} and no body.");
        }

        if (status is < 200 or >= 300)
        {
            var detail = body.TryGetProperty("error", out var bodyError) && bodyError.ValueKind == JsonValueKind.Object ? Describe(bodyError, batchId) : $"Batch '{batchId}' failed the request.";
            return (key, null, $"{detail} (HTTP {status})");
        }

        return (key, body.TryGetProperty("choices", out _) ? ChatAnswer(body, model) : EmbeddingAnswer(body), null);
    }

    private static void WriteChat(Utf8JsonWriter writer, JsonObject request, string modelName)
    {
        writer.WriteStartObject();
        writer.WriteString("model", modelName);
        writer.WritePropertyName("messages");
        request["messages"]!.WriteTo(writer);
        if (request["options"] is JsonObject settings)
        {
            foreach (var (name, value) in settings)
            {
                // Our settings use the wire names, except max_tokens, which OpenAI now calls max_completion_tokens.
                writer.WritePropertyName(name == "max_tokens" ? "max_completion_tokens" : name);
                if (value is null)
                {
                    writer.WriteNullValue();
                }
                else
                {
                    value.WriteTo(writer);
                }
            }
        }

        if (request["response_format"] is JsonObject && ChatRequest.Options(request) is { ResponseFormat: { } format } chatOptions)
        {
            // A typed answer: the response_format the live call sends, made by the same adapter (json_schema, strict,
            // the same name, the schema as the adapter rewrites it for strict mode).
            writer.WritePropertyName("response_format");
            writer.WriteRawValue(Compact.GetValue(format, f => OpenAIFormat(f, chatOptions)), skipInputValidation: true);
        }

        writer.WriteEndObject();
    }

    // The adapter's response_format as compact JSON (its schema text keeps its line breaks, which would split a line).
    private static byte[] OpenAIFormat(Microsoft.Extensions.AI.ChatResponseFormat format, Microsoft.Extensions.AI.ChatOptions chatOptions)
    {
#pragma warning disable OPENAI001 // The adapter marks its conversions experimental; it is what the live call uses.
        IJsonModel<ChatResponseFormat> wire = format.AsOpenAIChatResponseFormat(chatOptions)!;
#pragma warning restore OPENAI001
        var written = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(written))
        {
            wire.Write(writer, WireOptions);
        }

        using var document = JsonDocument.Parse(written.WrittenMemory);
        var compact = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(compact, Options))
        {
            document.RootElement.WriteTo(writer);
        }

        return compact.WrittenSpan.ToArray();
    }

    private static JsonObject ChatAnswer(JsonElement body, string model)
    {
        var choice = body.GetProperty("choices")[0];
        var message = choice.GetProperty("message");
        return new JsonObject
        {
            ["text"] = message.TryGetProperty("content", out var content) && content.ValueKind == JsonValueKind.String ? content.GetString() : "",
            ["model"] = model,
            ["finish_reason"] = choice.TryGetProperty("finish_reason", out var finish) && finish.ValueKind == JsonValueKind.String ? finish.GetString() : null,
            ["usage"] = Usage(body, "completion_tokens"),
        };
    }

    private static JsonObject EmbeddingAnswer(JsonElement body)
    {
        var vector = body.GetProperty("data")[0].GetProperty("embedding");
        var bytes = vector.ValueKind == JsonValueKind.String
            ? vector.GetBytesFromBase64()
            : [.. vector.EnumerateArray().SelectMany(v => BitConverter.GetBytes(v.GetSingle()))];
        return new JsonObject
        {
            ["vector"] = Convert.ToBase64String(bytes),
            ["dimensions"] = bytes.Length / sizeof(float),
            ["usage"] = Usage(body, null),
        };
    }

    private static JsonObject Usage(JsonElement body, string? output)
    {
        long input = 0, produced = 0;
        if (body.TryGetProperty("usage", out var usage) && usage.ValueKind == JsonValueKind.Object)
        {
            input = usage.TryGetProperty("prompt_tokens", out var p) && p.TryGetInt64(out var pi) ? pi : 0;
            produced = output is not null && usage.TryGetProperty(output, out var o) && o.TryGetInt64(out var oi) ? oi : 0;
        }

        return new JsonObject { ["input_tokens"] = input, ["output_tokens"] = produced };
    }

    private static string Describe(JsonElement error, string batchId)
    {
        var code = error.TryGetProperty("code", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString() : null;
        var message = error.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() : "no message";
        return code is null ? $"Batch '{batchId}': {message}" : $"Batch '{batchId}': {code}: {message}";
    }
}
