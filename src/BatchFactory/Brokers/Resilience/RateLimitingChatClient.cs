using System.Runtime.CompilerServices;
using BatchFactory.Brokers.Resilience;
using Microsoft.Extensions.AI;

namespace BatchFactory;

/// <summary>
/// A chat client that lets calls through to the next one only within the limits of a <see cref="RateLimitOptions"/>:
/// calls in flight, requests per minute and tokens per minute. Calls that must wait queue first come, first served.
/// </summary>
/// <remarks>
/// The limiters belong to this instance: build one client per provider key and model and share it, rather than one per
/// caller. Put it inside <see cref="RetryingChatClient"/> (as
/// <see cref="ResilienceBuilderExtensions.UseBatchFactoryResilience(ChatClientBuilder, RateLimitOptions?, RetryOptions?)"/>
/// does) so that every attempt passes the limits again. Disposing it disposes the inner client, and calls still waiting
/// fail with <see cref="ObjectDisposedException"/>.
/// </remarks>
public sealed class RateLimitingChatClient : DelegatingChatClient
{
    private readonly RateLimitGate _gate;
    private readonly int _expectedOutputTokens;

    /// <summary>Wraps <paramref name="innerClient"/> in the limits of <paramref name="options"/>.</summary>
    /// <param name="innerClient">The client calls go to when their turn comes.</param>
    /// <param name="options">The limits; read once, here.</param>
    /// <exception cref="ArgumentNullException"><paramref name="innerClient"/> or <paramref name="options"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public RateLimitingChatClient(IChatClient innerClient, RateLimitOptions options)
        : base(innerClient)
    {
        ArgumentNullException.ThrowIfNull(options);
        _gate = new RateLimitGate(options);
        _expectedOutputTokens = options.ExpectedOutputTokens;
    }

    internal RateLimitGate Gate => _gate;

    /// <summary>Waits for the call's turn, sends it, and settles its tokens to the response's <see cref="ChatResponse.Usage"/>.</summary>
    /// <inheritdoc/>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    /// <exception cref="ArgumentException"><see cref="RateLimitOptions.ExpectedTokensKey"/> holds something other than a whole number.</exception>
    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        using var pass = await _gate.EnterAsync(Estimate(messages, options), cancellationToken).ConfigureAwait(false);
        var response = await base.GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
        pass.Settle(response.Usage);
        return response;
    }

    /// <summary>
    /// Waits for the call's turn and streams it, holding its concurrency slot until the stream ends or is abandoned; its
    /// tokens are settled to the <see cref="UsageContent"/> in the updates once the stream has been read to the end.
    /// </summary>
    /// <inheritdoc/>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    /// <exception cref="ArgumentException"><see cref="RateLimitOptions.ExpectedTokensKey"/> holds something other than a whole number.</exception>
    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages,
        ChatOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        using var pass = await _gate.EnterAsync(Estimate(messages, options), cancellationToken).ConfigureAwait(false);
        UsageDetails? usage = null;
        await foreach (var update in base.GetStreamingResponseAsync(messages, options, cancellationToken).ConfigureAwait(false))
        {
            foreach (var content in update.Contents)
            {
                if (content is UsageContent reported)
                {
                    (usage ??= new UsageDetails()).Add(reported.Details);
                }
            }

            yield return update;
        }

        pass.Settle(usage);
    }

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _gate.Dispose();
        }

        base.Dispose(disposing);
    }

    private long Estimate(IEnumerable<ChatMessage> messages, ChatOptions? options) =>
        _gate.LimitsTokens ? TokenEstimate.ForChat(messages, options, _expectedOutputTokens) : 0;
}
