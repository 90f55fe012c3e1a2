namespace BatchFactory;

/// <summary>
/// What one op's model calls would cost if the graph ran now: the requests its ledger cannot serve, their estimated
/// tokens, and their cost sent live or through a provider's batch API. One row of a <see cref="CostEstimate"/>.
/// </summary>
/// <param name="Node">The op's node number, as in <see cref="Graph.ToString"/>.</param>
/// <param name="Op">The op's name.</param>
/// <param name="Requests">Requests that would be sent (identical requests count once).</param>
/// <param name="InputTokens">Estimated input tokens: prompt characters / 4, or the caller's estimate, as the per-minute token limiter reckons.</param>
/// <param name="OutputTokens">Estimated output tokens: each request's <c>MaxOutputTokens</c>, else the model's expected output tokens (<see cref="RateLimitOptions.ExpectedOutputTokens"/> live, <see cref="BatchOptions.ExpectedOutputTokens"/> for batch ops); 0 for embeddings.</param>
/// <param name="LiveCost">US dollars at the list price; 0 on a local provider; <see langword="null"/> when a model has no price (<see cref="RunOptions.Prices"/>).</param>
/// <param name="BatchCost">US dollars through a batch API, at half the list price; <see langword="null"/> when a model has no price.</param>
public sealed record OpCostEstimate(int Node, string Op, long Requests, long InputTokens, long OutputTokens, decimal? LiveCost, decimal? BatchCost);
