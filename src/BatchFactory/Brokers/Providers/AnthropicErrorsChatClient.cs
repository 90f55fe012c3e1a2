using System.Runtime.CompilerServices;
using Anthropic.Exceptions;
using Microsoft.Extensions.AI;

namespace BatchFactory.Brokers;

/// <summary>
/// Anthropic's chat client with its errors made readable to the broker: the status failure the SDK wraps (see
/// <see cref="Resilience.HttpStatusHandler"/>) is thrown as it is, an API error without one as an
/// <see cref="HttpRequestException"/> with its status, so retries and the breaker see them as they see OpenAI's.
/// Disposing disposes the client and the HTTP client under it.
/// </summary>
internal sealed class AnthropicErrorsChatClient(IChatClient inner, HttpClient http) : DelegatingChatClient(inner)
{
    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        try
        {
            return await base.GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
        }
        catch (AnthropicException ex) when (Readable(ex) is { } readable)
        {
            throw readable;
        }
    }

    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await using var updates = base.GetStreamingResponseAsync(messages, options, cancellationToken).GetAsyncEnumerator(cancellationToken);
        while (true)
        {
            try
            {
                if (!await updates.MoveNextAsync().ConfigureAwait(false))
                {
                    yield break;
                }
            }
            catch (AnthropicException ex) when (Readable(ex) is { } readable)
            {
                throw readable;
            }

            yield return updates.Current;
        }
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            http.Dispose();
        }
    }

    private static HttpRequestException? Readable(AnthropicException exception) => exception switch
    {
        { InnerException: Resilience.HttpStatusFailure status } => status,
        AnthropicIOException { InnerException: HttpRequestException io } => io,
        AnthropicApiException api => new HttpRequestException(api.Message, api, api.StatusCode),
        _ => null,
    };
}
