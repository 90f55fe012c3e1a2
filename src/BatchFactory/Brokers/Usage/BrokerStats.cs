namespace BatchFactory;

/// <summary>What an op that calls a model (CallLLM, EmbedText) did during a run.</summary>
/// <param name="Model">The model called, <c>model@provider</c> (the last one, if the op's requests named several).</param>
/// <param name="Calls">Requests sent to the provider and answered.</param>
/// <param name="Cached">Requests answered from the ledger or by an identical request in flight, without a call.</param>
/// <param name="Failed">Requests that failed after retries.</param>
/// <param name="InputTokens">Input tokens of the calls made (not of cached answers).</param>
/// <param name="OutputTokens">Output tokens of the calls made.</param>
/// <param name="Cost">What the calls made cost in US dollars, by <see cref="RunOptions.Prices"/>; 0 for a local provider such as <c>offline</c>; <see langword="null"/> when the model has no price.</param>
public sealed record BrokerStats(string Model, long Calls, long Cached, long Failed, long InputTokens, long OutputTokens, decimal? Cost);
