using System.Runtime.CompilerServices;
using BatchFactory.Brokers.Resilience;
using Microsoft.Extensions.AI;

namespace BatchFactory;

/// <summary>
/// A chat client that stops calling a provider found unavailable, as a <see cref="CircuitBreakerOptions"/> says: once an
/// API key is refused, the model is said not to exist, or too many calls failed to reach the provider, every call fails
/// with a <see cref="ProviderUnavailableException"/> without being sent.
/// </summary>
/// <remarks>
/// Put it outside <see cref="RetryingChatClient"/>, so that it sees a call as failed only once its retries are spent.
/// The breaker belongs to this instance: share one client per model rather than one per caller. When it opens, calls
/// still waiting inside it (for a rate-limit slot, or to retry) are cancelled and fail with the same exception. A
/// streamed call counts as answered once its last update has arrived.
/// </remarks>
public sealed class CircuitBreakingChatClient : DelegatingChatClient
{
    private readonly CircuitBreaker _breaker;
    private readonly bool _ownsBreaker;

    /// <summary>Wraps <paramref name="innerClient"/> in a breaker as <paramref name="options"/> says.</summary>
    /// <param name="innerClient">The client calls go to while the breaker is closed.</param>
    /// <param name="model">What the breaker guards, named in its exception, e.g. <c>gpt-4o-mini@openai</c>.</param>
    /// <param name="options">When to open; read once, here. Default: a new <see cref="CircuitBreakerOptions"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="innerClient"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="model"/> is null or blank.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public CircuitBreakingChatClient(IChatClient innerClient, string model, CircuitBreakerOptions? options = null)
        : this(innerClient, new CircuitBreaker(model, options ?? new CircuitBreakerOptions()), ownsBreaker: true)
    {
    }

    /// <summary>Wraps <paramref name="innerClient"/> in a breaker shared with other clients of the same model.</summary>
    internal CircuitBreakingChatClient(IChatClient innerClient, CircuitBreaker breaker, bool ownsBreaker)
        : base(innerClient)
    {
        _breaker = breaker;
        _ownsBreaker = ownsBreaker;
    }

    /// <summary>Whether the breaker has opened (it never closes again).</summary>
    public bool IsOpen => _breaker.IsOpen;

    /// <summary>Sends the call unless the breaker is open, and records how it ended.</summary>
    /// <inheritdoc/>
    /// <exception cref="ProviderUnavailableException">The breaker is open, or this call's failure opened it.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public override Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        return _breaker.ExecuteAsync(
            static (state, token) => state.InnerClient.GetResponseAsync(state.messages, state.options, token),
            (InnerClient, messages, options),
            cancellationToken);
    }

    /// <summary>Streams the call unless the breaker is open, and records how it ended.</summary>
    /// <inheritdoc/>
    /// <exception cref="ProviderUnavailableException">The breaker is open, or this call's failure opened it.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages,
        ChatOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        _breaker.ThrowIfOpen();
        using var linked = _breaker.Link(cancellationToken);
        var updates = InnerClient.GetStreamingResponseAsync(messages, options, linked.Token).GetAsyncEnumerator(linked.Token);
        try
        {
            while (true)
            {
                bool any;
                try
                {
                    any = await updates.MoveNextAsync().ConfigureAwait(false);
                }
                catch (Exception ex) when (_breaker.Failed(ex, cancellationToken) is { } unavailable)
                {
                    throw unavailable;
                }

                if (!any)
                {
                    break;
                }

                yield return updates.Current;
            }
        }
        finally
        {
            await updates.DisposeAsync().ConfigureAwait(false);
        }

        _breaker.Succeeded();
    }

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing && _ownsBreaker)
        {
            _breaker.Dispose();
        }

        base.Dispose(disposing);
    }
}
