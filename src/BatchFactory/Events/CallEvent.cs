namespace BatchFactory;

/// <summary>Something that happened to one request of an op that calls a model (CallLLM, EmbedText).</summary>
/// <param name="Elapsed">Time since the run started.</param>
/// <param name="Node">The op's node index.</param>
/// <param name="OpName">The op's name.</param>
/// <param name="Idx">The idx of the entry the request is for.</param>
/// <param name="Model">The model, <c>model@provider</c>.</param>
public abstract record CallEvent(TimeSpan Elapsed, int Node, string OpName, string Idx, string Model) : RunEvent(Elapsed);
