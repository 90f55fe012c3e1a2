using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace BatchFactory.Testing.Internal;

/// <summary>A chat completions request as read from its JSON body.</summary>
/// <param name="Info">Model and messages.</param>
/// <param name="Stream">Whether <c>stream</c> is true (answer as server-sent events).</param>
/// <param name="IncludeUsage">Whether <c>stream_options.include_usage</c> is true (send a final usage chunk).</param>
internal sealed record ChatRequest(ChatRequestInfo Info, bool Stream, bool IncludeUsage)
{
    public string[] Texts()
    {
        var texts = new string[Info.Messages.Count];
        for (int i = 0; i < texts.Length; i++)
        {
            texts[i] = Info.Messages[i].Text;
        }

        return texts;
    }

    public static async Task<ChatRequest> ReadAsync(HttpRequest request, string? deployment, CancellationToken cancellationToken)
    {
        using JsonDocument document = await JsonBody.ParseAsync(request, cancellationToken).ConfigureAwait(false);
        return Read(document.RootElement, deployment);
    }

    /// <summary>Reads a chat completions body (also a line of a batch file).</summary>
    public static ChatRequest Read(JsonElement root, string? deployment)
    {
        string model = JsonBody.ReadModel(root, deployment);
        if (!root.TryGetProperty("messages", out JsonElement messages) || messages.ValueKind != JsonValueKind.Array)
        {
            throw new BadRequestException("The request needs a 'messages' array of {\"role\", \"content\"} objects.");
        }

        var list = new List<ChatMessageInfo>(messages.GetArrayLength());
        foreach (JsonElement message in messages.EnumerateArray())
        {
            list.Add(ReadMessage(message));
        }

        bool stream = root.TryGetProperty("stream", out JsonElement s) && s.ValueKind == JsonValueKind.True;
        bool includeUsage = root.TryGetProperty("stream_options", out JsonElement options)
            && options.ValueKind == JsonValueKind.Object
            && options.TryGetProperty("include_usage", out JsonElement usage)
            && usage.ValueKind == JsonValueKind.True;
        return new ChatRequest(new ChatRequestInfo(model, list) { JsonSchema = ReadSchema(root) }, stream, includeUsage);
    }

    private static string? ReadSchema(JsonElement root) =>
        root.TryGetProperty("response_format", out JsonElement format)
        && format.ValueKind == JsonValueKind.Object
        && format.TryGetProperty("type", out JsonElement type) && type.ValueKind == JsonValueKind.String && type.GetString() == "json_schema"
        && format.TryGetProperty("json_schema", out JsonElement jsonSchema) && jsonSchema.ValueKind == JsonValueKind.Object
        && jsonSchema.TryGetProperty("schema", out JsonElement schema)
            ? schema.GetRawText()
            : null;

    internal static ChatMessageInfo ReadMessage(JsonElement message)
    {
        if (message.ValueKind != JsonValueKind.Object
            || !message.TryGetProperty("role", out JsonElement role)
            || role.ValueKind != JsonValueKind.String)
        {
            throw new BadRequestException("Each message needs a string 'role'.");
        }

        string text = message.TryGetProperty("content", out JsonElement content) ? ReadContent(content) : string.Empty;
        return new ChatMessageInfo(role.GetString()!, text);
    }

    private static string ReadContent(JsonElement content)
    {
        switch (content.ValueKind)
        {
            case JsonValueKind.String:
                return content.GetString()!;
            case JsonValueKind.Array:
                var text = new StringBuilder();
                foreach (JsonElement part in content.EnumerateArray())
                {
                    if (part.ValueKind == JsonValueKind.Object
                        && part.TryGetProperty("text", out JsonElement partText)
                        && partText.ValueKind == JsonValueKind.String)
                    {
                        text.Append(partText.GetString());
                    }
                }

                return text.ToString();
            default:
                return string.Empty;
        }
    }
}
