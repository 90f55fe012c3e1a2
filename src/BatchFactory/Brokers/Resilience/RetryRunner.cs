using System.Runtime.ExceptionServices;
using Polly;

namespace BatchFactory.Brokers.Resilience;

/// <summary>
/// Runs calls through a retry pipeline, each attempt first waiting out the client's shared <see cref="CoolDown"/> and then
/// given at most <c>attemptTimeout</c> (the wait for the cool-down does not count), after which it is abandoned with a
/// <see cref="TimeoutException"/>, which is retried like any timeout.
/// </summary>
/// <remarks>
/// The first attempt runs outside the pipeline: most calls succeed at once, and Polly's frames cost several async
/// steps per call. When the first attempt fails, the pipeline takes over as if it had made that attempt itself (its
/// first execution rethrows the failure), so what is retried, the delays and the attempt numbers are the pipeline's.
/// </remarks>
internal sealed class RetryRunner(ResiliencePipeline pipeline, CoolDown coolDown, TimeSpan? attemptTimeout = null, TimeProvider? time = null)
{
    /// <summary>The shared pause, for tests.</summary>
    internal CoolDown CoolDown => coolDown;

    public async Task<TResult> ExecuteAsync<TResult, TState>(Func<TState, CancellationToken, ValueTask<TResult>> attempt, TState state, CancellationToken cancellationToken)
    {
        // A call already cancelled is not made (as the pipeline would not make it).
        cancellationToken.ThrowIfCancellationRequested();
        ExceptionDispatchInfo first;
        try
        {
            return await AttemptAsync(attempt, state, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            if (pipeline == ResiliencePipeline.Empty)
            {
                throw;
            }

            first = ExceptionDispatchInfo.Capture(ex);
        }

        var replay = new Replay<TResult, TState>(this, attempt, state, first);
        return await pipeline.ExecuteAsync(static (r, token) => r.NextAsync(token), replay, cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask<TResult> AttemptAsync<TResult, TState>(Func<TState, CancellationToken, ValueTask<TResult>> attempt, TState state, CancellationToken token)
    {
        await coolDown.WaitAsync(token).ConfigureAwait(false);
        if (attemptTimeout is not { } limit)
        {
            return await attempt(state, token).ConfigureAwait(false);
        }

        using var timer = new CancellationTokenSource(limit, time ?? TimeProvider.System);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(token, timer.Token);
        try
        {
            return await attempt(state, linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException ex) when (timer.IsCancellationRequested && !token.IsCancellationRequested)
        {
            throw new TimeoutException($"The attempt took longer than its timeout of {limit.TotalSeconds:0.###} s (RetryOptions.AttemptTimeout).", ex);
        }
    }

    // The pipeline's attempts: the first rethrows the failure of the attempt already made, the others attempt again.
    private sealed class Replay<TResult, TState>(RetryRunner runner, Func<TState, CancellationToken, ValueTask<TResult>> attempt, TState state, ExceptionDispatchInfo first)
    {
        private ExceptionDispatchInfo? _first = first;

        public ValueTask<TResult> NextAsync(CancellationToken token)
        {
            if (Interlocked.Exchange(ref _first, null) is { } failure)
            {
                failure.Throw();
            }

            return runner.AttemptAsync(attempt, state, token);
        }
    }
}
