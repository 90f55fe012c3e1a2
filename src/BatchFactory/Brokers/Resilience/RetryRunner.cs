using Polly;

namespace BatchFactory.Brokers.Resilience;

/// <summary>Runs calls through a retry pipeline, each attempt first waiting out the client's shared <see cref="CoolDown"/>.</summary>
internal sealed class RetryRunner(ResiliencePipeline pipeline, CoolDown coolDown)
{
    /// <summary>The shared pause, for tests.</summary>
    internal CoolDown CoolDown => coolDown;

    public ValueTask<TResult> ExecuteAsync<TResult, TState>(Func<TState, CancellationToken, ValueTask<TResult>> attempt, TState state, CancellationToken cancellationToken) =>
        pipeline.ExecuteAsync(
            static async (s, token) =>
            {
                await s.coolDown.WaitAsync(token).ConfigureAwait(false);
                return await s.attempt(s.state, token).ConfigureAwait(false);
            },
            (attempt, state, coolDown),
            cancellationToken);
}
