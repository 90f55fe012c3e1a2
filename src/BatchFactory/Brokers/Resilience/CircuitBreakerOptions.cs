namespace BatchFactory;

/// <summary>
/// When <see cref="CircuitBreakingChatClient"/> and <see cref="CircuitBreakingEmbeddingGenerator"/> decide that a
/// provider is unavailable and stop sending it calls. Checked when the decorator is made. In a run, set it with
/// <see cref="BrokerOptions.CircuitBreaker"/>; <see langword="null"/> there turns the breaker off.
/// </summary>
/// <remarks>
/// <para>
/// The breaker sees each call once it has finally failed or succeeded (outside the retries). It opens at once on an
/// authentication error (HTTP 401 or 403, when <see cref="OpenOnAuthError"/>) or a model the provider says does not exist
/// (HTTP 404, when <see cref="OpenOnModelNotFound"/>). Connection errors, timeouts and HTTP 5xx count as the provider's
/// failures: the breaker opens after <see cref="ConsecutiveFailures"/> of them in a row, or when, once
/// <see cref="MinimumCalls"/> calls have ended, more than <see cref="FailureRatio"/> of the last
/// <see cref="SamplingCalls"/> calls failed that way. Every other outcome (an answer, or an error about the request
/// itself such as HTTP 400, or a 429 that outlasted the retries) counts as the provider answering. The caller's own
/// cancellation counts as nothing.
/// </para>
/// <para>
/// Once open, the breaker stays open: calls waiting inside it (for a rate-limit slot or a retry) are cancelled and
/// every later call fails at once without being sent, all with a <see cref="ProviderUnavailableException"/>. Make a new
/// client (in a run: start a new run) to try the provider again.
/// </para>
/// </remarks>
public sealed class CircuitBreakerOptions
{
    /// <summary>Connection errors, timeouts or HTTP 5xx in a row that open the breaker. Default 20.</summary>
    public int ConsecutiveFailures { get; init; } = 20;

    /// <summary>
    /// The share of the last <see cref="SamplingCalls"/> calls that, when exceeded by connection errors, timeouts or HTTP
    /// 5xx, opens the breaker; from more than 0 to 1 (1 turns this rule off, since no share exceeds it). Default 0.5.
    /// </summary>
    public double FailureRatio { get; init; } = 0.5;

    /// <summary>How many of the most recent calls <see cref="FailureRatio"/> is measured over. Default 100.</summary>
    public int SamplingCalls { get; init; } = 100;

    /// <summary>Calls that must have ended before <see cref="FailureRatio"/> is applied. Default 20.</summary>
    public int MinimumCalls { get; init; } = 20;

    /// <summary>Whether HTTP 401 or 403 (a bad or unauthorised API key) opens the breaker at once. Default <see langword="true"/>.</summary>
    public bool OpenOnAuthError { get; init; } = true;

    /// <summary>Whether HTTP 404 (the provider says the model does not exist) opens the breaker at once. Default <see langword="true"/>.</summary>
    public bool OpenOnModelNotFound { get; init; } = true;

    /// <summary>Throws if an option is out of range.</summary>
    internal void Validate()
    {
        if (ConsecutiveFailures < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(ConsecutiveFailures), ConsecutiveFailures, "ConsecutiveFailures must be 1 or more (int.MaxValue turns the rule off).");
        }

        if (!(FailureRatio > 0 && FailureRatio <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(FailureRatio), FailureRatio, "FailureRatio must be more than 0 and at most 1 (1 turns the rule off).");
        }

        if (SamplingCalls < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(SamplingCalls), SamplingCalls, "SamplingCalls must be 1 or more.");
        }

        if (MinimumCalls < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MinimumCalls), MinimumCalls, "MinimumCalls must be 1 or more.");
        }
    }
}
