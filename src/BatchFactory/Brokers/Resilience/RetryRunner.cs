using Polly;

namespace BatchFactory.Brokers.Resilience;

/// <summary>
/// Runs calls through a retry pipeline, each attempt first waiting out the client's shared <see cref="CoolDown"/> and then
/// given at most <c>attemptTimeout</c> (the wait for the cool-down does not count), after which it is abandoned with a
/// <see cref="TimeoutException"/>, which is retried like any timeout.
/// </summary>
internal sealed class RetryRunner(ResiliencePipeline pipeline, CoolDown coolDown, TimeSpan? attemptTimeout = null, TimeProvider? time = null)
{
    /// <summary>The shared pause, for tests.</summary>
    internal CoolDown CoolDown => coolDown;

    public ValueTask<TResult> ExecuteAsync<TResult, TState>(Func<TState, CancellationToken, ValueTask<TResult>> attempt, TState state, CancellationToken cancellationToken) =>
        pipeline.ExecuteAsync(
            static async (s, token) =>
            {
                await s.coolDown.WaitAsync(token).ConfigureAwait(false);
                if (s.attemptTimeout is not { } limit)
                {
                    return await s.attempt(s.state, token).ConfigureAwait(false);
                }

                using var timer = new CancellationTokenSource(limit, s.time ?? TimeProvider.System);
                using var linked = CancellationTokenSource.CreateLinkedTokenSource(token, timer.Token);
                try
                {
                    return await s.attempt(s.state, linked.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException ex) when (timer.IsCancellationRequested && !token.IsCancellationRequested)
                {
                    throw new TimeoutException($"The attempt took longer than its timeout of {limit.TotalSeconds:0.###} s (RetryOptions.AttemptTimeout).", ex);
                }
            },
            (attempt, state, coolDown, attemptTimeout, time),
            cancellationToken);
}
