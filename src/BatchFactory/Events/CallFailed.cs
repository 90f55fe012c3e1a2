namespace BatchFactory;

/// <summary>A request failed for good (after retries, and after the op's extra attempts); the op's <see cref="OnCallFailure"/> decides what happens to the entry.</summary>
/// <param name="Elapsed">Time since the run started.</param>
/// <param name="Node">The op's node index.</param>
/// <param name="OpName">The op's name.</param>
/// <param name="Idx">The idx of the entry the request is for.</param>
/// <param name="Model">The model, <c>model@provider</c>.</param>
/// <param name="Error">The error: its type and message (API keys removed).</param>
public sealed record CallFailed(TimeSpan Elapsed, int Node, string OpName, string Idx, string Model, string Error) : CallEvent(Elapsed, Node, OpName, Idx, Model);
