using System.Text.Json;
using Anthropic.Models.Messages;
using Microsoft.Extensions.AI;

namespace BatchFactory.Brokers;

/// <summary>
/// Carries a request's <c>temperature</c> and <c>top_p</c> to Anthropic. The SDK (13.15) has no such properties on its
/// Messages request, and its chat client leaves <see cref="ChatOptions.Temperature"/> and <see cref="ChatOptions.TopP"/>
/// out; so they are handed over as body fields of the request's raw form (<see cref="ChatOptions.RawRepresentationFactory"/>),
/// which the SDK starts from and completes with the messages and the other settings.
/// </summary>
internal sealed class AnthropicSamplingChatClient(IChatClient inner, string model, int defaultMaxTokens) : DelegatingChatClient(inner)
{
    private static readonly Dictionary<string, JsonElement> Empty = [];

    public override Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        base.GetResponseAsync(messages, WithSampling(options), cancellationToken);

    public override IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        base.GetStreamingResponseAsync(messages, WithSampling(options), cancellationToken);

    private ChatOptions? WithSampling(ChatOptions? options)
    {
        if (options is null || (options.Temperature is null && options.TopP is null) || options.RawRepresentationFactory is not null)
        {
            return options;
        }

        var sampled = options.Clone();
        var (temperature, topP, maxTokens) = (options.Temperature, options.TopP, options.MaxOutputTokens ?? defaultMaxTokens);
        var body = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        if (temperature is { } t)
        {
            body["temperature"] = JsonSerializer.SerializeToElement(t, RequestJson.Default.Single);
        }

        if (topP is { } p)
        {
            body["top_p"] = JsonSerializer.SerializeToElement(p, RequestJson.Default.Single);
        }

        var modelId = options.ModelId ?? model;
        sampled.RawRepresentationFactory = _ => new MessageCreateParams(Empty, Empty, body) { Model = modelId, MaxTokens = maxTokens, Messages = [] };
        return sampled;
    }
}
