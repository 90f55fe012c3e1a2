namespace BatchFactory;

/// <summary>A request was answered without a call: from the ledger, or by an identical request in flight.</summary>
/// <param name="Elapsed">Time since the run started.</param>
/// <param name="Node">The op's node index.</param>
/// <param name="OpName">The op's name.</param>
/// <param name="Idx">The idx of the entry the request is for.</param>
/// <param name="Model">The model, <c>model@provider</c>.</param>
public sealed record CallCached(TimeSpan Elapsed, int Node, string OpName, string Idx, string Model) : CallEvent(Elapsed, Node, OpName, Idx, Model);
