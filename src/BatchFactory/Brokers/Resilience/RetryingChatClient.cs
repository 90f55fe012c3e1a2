using System.Runtime.CompilerServices;
using BatchFactory.Brokers.Resilience;
using Microsoft.Extensions.AI;

namespace BatchFactory;

/// <summary>
/// A chat client that retries the next one's transient failures (HTTP 408, 429, 5xx, timeouts, connection errors) with
/// exponential backoff and jitter, honouring the provider's <c>Retry-After</c>, as a <see cref="RetryOptions"/> says.
/// </summary>
/// <remarks>
/// Put it outside <see cref="RateLimitingChatClient"/> (as
/// <see cref="ResilienceBuilderExtensions.UseBatchFactoryResilience(ChatClientBuilder, RateLimitOptions?, RetryOptions?)"/>
/// does): every attempt then passes the rate limits again, and no concurrency slot is held while waiting to retry.
/// A streamed call is retried only until its first update has arrived; a failure after that surfaces, since the updates
/// already passed on cannot be taken back.
/// </remarks>
public sealed class RetryingChatClient : DelegatingChatClient
{
    private readonly RetryRunner _pipeline;

    /// <summary>Wraps <paramref name="innerClient"/> in retries as <paramref name="options"/> says.</summary>
    /// <param name="innerClient">The client each attempt goes to.</param>
    /// <param name="options">How to retry; read once, here. Default: a new <see cref="RetryOptions"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="innerClient"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public RetryingChatClient(IChatClient innerClient, RetryOptions? options = null)
        : base(innerClient)
    {
        _pipeline = RetryPipeline.Create(options ?? new RetryOptions());
    }

    /// <summary>Sends the call, retrying transient failures; the last failure surfaces when no retries are left.</summary>
    /// <inheritdoc/>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public override Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        return _pipeline.ExecuteAsync(
            static (state, token) => new ValueTask<ChatResponse>(state.InnerClient.GetResponseAsync(state.messages, state.options, token)),
            (InnerClient, messages, options),
            cancellationToken);
    }

    /// <summary>Streams the call, retrying transient failures that happen before the first update.</summary>
    /// <inheritdoc/>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages,
        ChatOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var (updates, any) = await _pipeline.ExecuteAsync(
            static async (state, token) =>
            {
                var updates = state.InnerClient.GetStreamingResponseAsync(state.messages, state.options, token).GetAsyncEnumerator(token);
                try
                {
                    return (updates, await updates.MoveNextAsync().ConfigureAwait(false));
                }
                catch
                {
                    await updates.DisposeAsync().ConfigureAwait(false);
                    throw;
                }
            },
            (InnerClient, messages, options),
            cancellationToken).ConfigureAwait(false);

        try
        {
            while (any)
            {
                yield return updates.Current;
                any = await updates.MoveNextAsync().ConfigureAwait(false);
            }
        }
        finally
        {
            await updates.DisposeAsync().ConfigureAwait(false);
        }
    }
}
