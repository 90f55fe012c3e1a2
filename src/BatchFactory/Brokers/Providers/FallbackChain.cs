namespace BatchFactory.Brokers;

/// <summary>An ordered list of models that answer the same requests: a request goes to the first whose provider is available.</summary>
/// <param name="Name">The chain's name, as in <c>name@fallback</c>.</param>
/// <param name="Members">The models, first choice first; at least two.</param>
/// <param name="MaxWait">A member whose rate-limit pause (after a 429) has longer than this left is passed over for the next.</param>
internal sealed record FallbackChain(string Name, IReadOnlyList<ModelSpec> Members, TimeSpan MaxWait);
