using System.Runtime.InteropServices;
using System.Text.Json.Nodes;

namespace BatchFactory.Brokers;

/// <summary>Answers requests by calling the model now, through the run's <see cref="ModelClients"/> (with their retries and limits).</summary>
internal sealed class LiveAnswers(ModelClients clients) : IAnswerSource
{
    /// <inheritdoc/>
    public Task<JsonObject> AnswerAsync(ModelRequest request, CancellationToken cancellationToken) => request switch
    {
        ChatCall chat => AskAsync(chat, cancellationToken),
        EmbeddingCall embedding => EmbedAsync(embedding, cancellationToken),
        _ => throw new ArgumentException($"A live model cannot answer a {request.GetType().Name}.", nameof(request)),
    };

    private async Task<JsonObject> AskAsync(ChatCall call, CancellationToken cancellationToken)
    {
        var response = await clients.Chat(call.Model).GetResponseAsync(ChatRequest.Messages(call.Request), ChatRequest.Options(call.Request), cancellationToken).ConfigureAwait(false);
        var answer = new JsonObject
        {
            ["text"] = response.Text,
            ["model"] = call.Model.ToString(),
            ["finish_reason"] = response.FinishReason?.Value,
            ["usage"] = new JsonObject
            {
                ["input_tokens"] = response.Usage?.InputTokenCount ?? 0,
                ["output_tokens"] = response.Usage?.OutputTokenCount ?? 0,
            },
        };

        // A pool of servers says which one answered.
        if (response.AdditionalProperties?.TryGetValue(Pools.PooledChatClient.EndpointProperty, out var endpoint) == true)
        {
            answer["endpoint"] = endpoint?.ToString();
        }

        return answer;
    }

    private async Task<JsonObject> EmbedAsync(EmbeddingCall call, CancellationToken cancellationToken)
    {
        var result = await clients.Embedding(call.Model).GenerateAsync([call.Text], cancellationToken: cancellationToken).ConfigureAwait(false);
        var vector = result[0].Vector.ToArray();
        return new JsonObject
        {
            ["vector"] = Convert.ToBase64String(MemoryMarshal.AsBytes(vector.AsSpan())),
            ["dimensions"] = vector.Length,
            ["usage"] = new JsonObject { ["input_tokens"] = result.Usage?.InputTokenCount ?? 0, ["output_tokens"] = 0 },
        };
    }
}
