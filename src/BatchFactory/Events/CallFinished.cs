namespace BatchFactory;

/// <summary>The provider answered a request (after any retries); the answer is in the ledger.</summary>
/// <param name="Elapsed">Time since the run started.</param>
/// <param name="Node">The op's node index.</param>
/// <param name="OpName">The op's name.</param>
/// <param name="Idx">The idx of the entry the request is for.</param>
/// <param name="Model">The model, <c>model@provider</c>.</param>
/// <param name="InputTokens">Input tokens the provider reported.</param>
/// <param name="OutputTokens">Output tokens the provider reported.</param>
/// <param name="Cost">What the call cost in US dollars (0 for a local provider); <see langword="null"/> when the model has no price.</param>
/// <param name="Duration">How long the call took, retries and waits for rate limits included.</param>
public sealed record CallFinished(TimeSpan Elapsed, int Node, string OpName, string Idx, string Model, long InputTokens, long OutputTokens, decimal? Cost, TimeSpan Duration)
    : CallEvent(Elapsed, Node, OpName, Idx, Model);
