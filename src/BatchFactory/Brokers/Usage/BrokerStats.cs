namespace BatchFactory;

/// <summary>What an op that calls a model (CallLLM, EmbedText) did during a run.</summary>
/// <param name="Model">The model called, <c>model@provider</c> (the last one, if the op's requests named several).</param>
/// <param name="Calls">Requests sent to the provider and answered.</param>
/// <param name="Cached">Requests answered from the ledger or by an identical request in flight, without a call.</param>
/// <param name="Failed">Requests that failed after retries.</param>
/// <param name="InputTokens">Input tokens of the calls made (not of cached answers).</param>
/// <param name="OutputTokens">Output tokens of the calls made.</param>
/// <param name="Cost">What the calls made cost in US dollars (batch answers at the batch price, see <see cref="BatchCost"/>), by <see cref="RunOptions.Prices"/>; 0 for a local provider such as <c>offline</c>; <see langword="null"/> when the model has no price.</param>
/// <param name="Retries">Attempts that failed with a transient error (429, 5xx, timeout, connection error) and were tried again (see <see cref="RetryOptions"/>).</param>
/// <param name="RateLimited">Attempts the provider refused with HTTP 429 (Too Many Requests), retried or not.</param>
/// <param name="Waited">
/// Time the op's calls spent held back by throttling, summed over calls (so it can exceed the run's wall time): waiting
/// out a 429's cool-down (<c>Retry-After</c>) and queueing for <see cref="RateLimitOptions.RequestsPerMinute"/> or
/// <see cref="RateLimitOptions.TokensPerMinute"/>. Waiting for a free <see cref="RateLimitOptions.MaxConcurrency"/> slot and
/// the backoff before retrying other errors do not count.
/// </param>
/// <param name="CoolDown">
/// How long the model's current cool-down still lasts (no call to it goes out before then, after a 429 that asked the
/// client to wait), at the moment the stats were taken; <see langword="null"/> when there is none.
/// </param>
public sealed record BrokerStats(
    string Model,
    long Calls,
    long Cached,
    long Failed,
    long InputTokens,
    long OutputTokens,
    decimal? Cost,
    long Retries = 0,
    long RateLimited = 0,
    TimeSpan Waited = default,
    TimeSpan? CoolDown = null)
{
    /// <summary>Of <see cref="Calls"/>, those answered through a provider's batch API (<see cref="CallMode.Batch"/>). Default 0.</summary>
    public long BatchCalls { get; init; }

    /// <summary>Of <see cref="Cost"/>, what the batch answers cost: their tokens at the batch price (<see cref="ModelPrices.BatchCost"/>, by default half the live price). 0 without batch answers; <see langword="null"/> without a price.</summary>
    public decimal? BatchCost { get; init; }
}
