namespace BatchFactory;

/// <summary>What an op that calls a model (CallLLM, EmbedText) did during a run.</summary>
/// <param name="Model">The model called, <c>model@provider</c> (the last one, if the op's requests named several).</param>
/// <param name="Calls">Requests sent to the provider and answered.</param>
/// <param name="Cached">Requests answered from the ledger or by an identical request in flight, without a call.</param>
/// <param name="Failed">Requests that failed after retries.</param>
/// <param name="InputTokens">Input tokens of the calls made (not of cached answers).</param>
/// <param name="OutputTokens">Output tokens of the calls made.</param>
/// <param name="Cost">What the calls made cost in US dollars (batch answers at half the live price, see <see cref="BatchCost"/>), by <see cref="RunOptions.Prices"/>; 0 for a local provider such as <c>offline</c>; <see langword="null"/> when the model has no price.</param>
public sealed record BrokerStats(string Model, long Calls, long Cached, long Failed, long InputTokens, long OutputTokens, decimal? Cost)
{
    /// <summary>Of <see cref="Calls"/>, those answered through a provider's batch API (<see cref="CallMode.Batch"/>). Default 0.</summary>
    public long BatchCalls { get; init; }

    /// <summary>Of <see cref="Cost"/>, what the batch answers cost: half the live price for their tokens. 0 without batch answers; <see langword="null"/> without a price.</summary>
    public decimal? BatchCost { get; init; }
}
