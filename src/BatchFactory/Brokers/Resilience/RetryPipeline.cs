using Polly;
using Polly.Retry;

namespace BatchFactory.Brokers.Resilience;

/// <summary>Builds the Polly retry pipeline a <see cref="RetryOptions"/> describes.</summary>
internal static class RetryPipeline
{
    /// <summary>
    /// A runner that retries <see cref="TransientFailure"/>s with exponential backoff and jitter, honouring
    /// <c>Retry-After</c> up to <see cref="RetryOptions.MaxRetryAfter"/> (no retries when <see cref="RetryOptions.MaxRetries"/>
    /// is 0), each attempt within <see cref="RetryOptions.AttemptTimeout"/> when one is set. A 429 also pauses every other call through the runner until its retry is due (<see cref="CoolDown"/>).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public static RetryRunner Create(RetryOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var time = options.TimeProvider;
        var coolDown = new CoolDown(time);
        if (options.MaxRetries == 0)
        {
            return new RetryRunner(ResiliencePipeline.Empty, coolDown, options.AttemptTimeout, time);
        }

        var baseDelay = options.BaseDelay;
        var maxDelay = options.MaxDelay;
        var maxRetryAfter = options.MaxRetryAfter;
        var onRetry = options.OnRetry;
        var retry = new RetryStrategyOptions
        {
            MaxRetryAttempts = options.MaxRetries,
            BackoffType = DelayBackoffType.Exponential,
            Delay = baseDelay,
            MaxDelay = maxDelay,
            UseJitter = options.UseJitter,
            ShouldHandle = args => new ValueTask<bool>(
                args.Outcome.Exception is { } exception
                && TransientFailure.TryClassify(exception, args.Context.CancellationToken, out var failure)
                && WaitsFor(exception, failure, maxRetryAfter, coolDown)),
            DelayGenerator = args => new ValueTask<TimeSpan?>(
                args.Outcome.Exception is { } exception && RetryAfterHeader.Read(exception, time.GetUtcNow()) is { } asked
                    ? Max(asked, Backoff(baseDelay, maxDelay, args.AttemptNumber))
                    : null),
            OnRetry = args =>
            {
                if (args.Outcome.Exception is not { } exception)
                {
                    return default;
                }

                TransientFailure.TryClassify(exception, args.Context.CancellationToken, out var failure);
                if (failure.StatusCode == 429)
                {
                    coolDown.PauseUntil(time.GetUtcNow() + args.RetryDelay);
                }

                if (onRetry is not null)
                {
                    onRetry(new RetryEvent
                    {
                        Attempt = args.AttemptNumber + 1,
                        Delay = args.RetryDelay,
                        Reason = failure.Reason,
                        StatusCode = failure.StatusCode,
                        RetryAfter = RetryAfterHeader.Read(exception, time.GetUtcNow()),
                        Exception = exception,
                    });
                }

                return default;
            },
        };
        if (options.Randomizer is { } randomizer)
        {
            retry.Randomizer = randomizer;
        }

        return new RetryRunner(new ResiliencePipelineBuilder { TimeProvider = time }.AddRetry(retry).Build(), coolDown, options.AttemptTimeout, time);
    }

    // Whether the failed call waits for its retry: not when the provider asks for a longer wait than MaxRetryAfter, nor
    // when a 429 asks for a longer wait than the call may make (CallScope.MaxWait, a fallback chain's member): that
    // call's 429 goes to the chain, which asks its next member, and the model's other calls pause as they would have
    // for the retry.
    private static bool WaitsFor(Exception exception, TransientFailure failure, TimeSpan maxRetryAfter, CoolDown coolDown)
    {
        var asked = RetryAfterHeader.Read(exception, coolDown.Now);
        if (asked > maxRetryAfter)
        {
            return false;
        }

        if (failure.StatusCode == 429 && asked is { } wait && CallScope.Current?.MaxWait is { } bound && wait > bound)
        {
            coolDown.PauseUntil(coolDown.Now + wait);
            return false;
        }

        return true;
    }

    /// <summary>The backoff without jitter before retry <paramref name="attempt"/> + 1: base × 2^attempt, capped.</summary>
    private static TimeSpan Backoff(TimeSpan baseDelay, TimeSpan maxDelay, int attempt)
    {
        var ticks = baseDelay.Ticks * Math.Pow(2, Math.Min(attempt, 62));
        return ticks >= maxDelay.Ticks ? maxDelay : TimeSpan.FromTicks((long)ticks);
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
}
