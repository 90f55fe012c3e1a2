using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json.Nodes;
using BatchFactory.Brokers;
using Microsoft.Extensions.AI;

namespace BatchFactory;

/// <summary>
/// A chat client that answers without a network: the reply is <c>[offline &lt;model&gt; #&lt;hash&gt;] </c> followed by the
/// last user message's first line (up to 200 characters), where the hash is taken over the model, every message and
/// the options that change an answer, so different requests give different replies and the same request the same one.
/// Usage counts words: input tokens are the words of all messages, output tokens the words of the reply. A request for
/// JSON with a schema (<see cref="ChatResponseFormatJson.Schema"/>) is answered with JSON the schema accepts, made from
/// the same hash: every property, lists of their minimum length or 3, numbers within their ranges, strings of words
/// (a <c>pattern</c> is not followed).
/// </summary>
public sealed class OfflineChatClient : IChatClient
{
    private const int QuoteLength = 200;
    private readonly string _model;

    /// <summary>Creates the client for <paramref name="model"/> (any name).</summary>
    public OfflineChatClient(string model)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(model);
        _model = model;
    }

    /// <inheritdoc/>
    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        cancellationToken.ThrowIfCancellationRequested();
        var list = messages.ToList();
        var text = Reply(list, options);
        var response = new ChatResponse(new ChatMessage(ChatRole.Assistant, text))
        {
            ModelId = _model,
            FinishReason = ChatFinishReason.Stop,
            Usage = new UsageDetails
            {
                InputTokenCount = list.Sum(m => Words(m.Text)),
                OutputTokenCount = Words(text),
            },
        };
        response.Usage.TotalTokenCount = response.Usage.InputTokenCount + response.Usage.OutputTokenCount;
        return Task.FromResult(response);
    }

    /// <inheritdoc/>
    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var response = await GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
        foreach (var update in response.ToChatResponseUpdates())
        {
            yield return update;
        }
    }

    /// <inheritdoc/>
    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is null && serviceType.IsInstanceOfType(this) ? this : null;

    /// <inheritdoc/>
    public void Dispose()
    {
    }

    private string Reply(List<ChatMessage> messages, ChatOptions? options)
    {
        var request = new StringBuilder(_model);
        foreach (var message in messages)
        {
            request.Append('\u001f').Append(message.Role.Value).Append('\u001e').Append(message.Text);
        }

        request.Append('\u001f').Append(options?.Temperature).Append('|').Append(options?.MaxOutputTokens).Append('|').Append(options?.TopP).Append('|').Append(options?.Seed);
        var hash = System.IO.Hashing.XxHash3.HashToUInt64(Encoding.UTF8.GetBytes(request.ToString()));
        if (options?.ResponseFormat is ChatResponseFormatJson { Schema: { } schema })
        {
            return SchemaInstance.Create(JsonNode.Parse(schema.GetRawText())!, hash)?.ToJsonString() ?? "null";
        }

        var lastUser = messages.LastOrDefault(m => m.Role == ChatRole.User)?.Text ?? string.Empty;
        var firstLine = lastUser.Split('\n', 2)[0].Trim();
        var quote = firstLine.Length > QuoteLength ? firstLine[..QuoteLength] + "…" : firstLine;
        return $"[offline {_model} #{hash:x16}] {quote}";
    }

    private static int Words(string? text) =>
        string.IsNullOrEmpty(text) ? 0 : text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Length;
}
