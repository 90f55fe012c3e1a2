using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace BatchFactory.Testing.Internal;

/// <summary>An Anthropic Messages API request (<c>POST /v1/messages</c>) as read from its JSON body: the top-level <c>system</c> prompt comes first as a <c>system</c> message.</summary>
internal static class MessagesRequest
{
    public static async Task<ChatRequestInfo> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        using JsonDocument document = await JsonBody.ParseAsync(request, cancellationToken).ConfigureAwait(false);
        return Read(document.RootElement);
    }

    /// <summary>Reads a request's body (or a message batch request's <c>params</c>).</summary>
    /// <exception cref="BadRequestException">A required field is missing.</exception>
    public static ChatRequestInfo Read(JsonElement root)
    {
        string model = JsonBody.ReadModel(root, null);
        if (!root.TryGetProperty("max_tokens", out JsonElement maxTokens) || maxTokens.ValueKind != JsonValueKind.Number)
        {
            throw new BadRequestException("max_tokens: Field required");
        }

        if (!root.TryGetProperty("messages", out JsonElement messages) || messages.ValueKind != JsonValueKind.Array)
        {
            throw new BadRequestException("messages: Field required");
        }

        var list = new List<ChatMessageInfo>(messages.GetArrayLength() + 1);
        if (root.TryGetProperty("system", out JsonElement system))
        {
            using var wrapper = JsonDocument.Parse($$"""{"role":"system","content":{{system.GetRawText()}}}""");
            list.Add(ChatRequest.ReadMessage(wrapper.RootElement));
        }

        foreach (JsonElement message in messages.EnumerateArray())
        {
            list.Add(ChatRequest.ReadMessage(message));
        }

        return new ChatRequestInfo(model, list);
    }
}
