namespace BatchFactory;

/// <summary>A request is being sent to the provider (it was neither in the ledger nor in flight already).</summary>
/// <param name="Elapsed">Time since the run started.</param>
/// <param name="Node">The op's node index.</param>
/// <param name="OpName">The op's name.</param>
/// <param name="Idx">The idx of the entry the request is for.</param>
/// <param name="Model">The model, <c>model@provider</c>.</param>
public sealed record CallStarted(TimeSpan Elapsed, int Node, string OpName, string Idx, string Model) : CallEvent(Elapsed, Node, OpName, Idx, Model);
