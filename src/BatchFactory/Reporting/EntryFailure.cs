namespace BatchFactory;

/// <summary>An entry an op failed on: a model request that failed after retries, or the error that stopped the run.</summary>
/// <param name="Node">The op's node index.</param>
/// <param name="OpName">The op's name.</param>
/// <param name="Idx">The entry's idx; <see langword="null"/> when the failure was not about one entry.</param>
/// <param name="Error">The error: its type and message (API keys removed).</param>
public sealed record EntryFailure(int Node, string OpName, string? Idx, string Error);
