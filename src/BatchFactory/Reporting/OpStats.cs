namespace BatchFactory;

/// <summary>What one op did during a run.</summary>
/// <param name="Node">The op's node index in the graph.</param>
/// <param name="Name">The op's name.</param>
/// <param name="Description">The op with its arguments, as in <see cref="Graph.ToString"/>.</param>
/// <param name="In">Entries that entered the op.</param>
/// <param name="Out">Entries that left the op (over all out-ports; a source counts what it emitted).</param>
/// <param name="Dropped">Entries the op discarded (filtered out, not taken, not sampled).</param>
/// <param name="Broker">For ops that call a model: calls made, served from the ledger, failed, tokens and cost; otherwise <see langword="null"/>.</param>
/// <param name="Answers">For ops with typed answers (<c>AskLLM&lt;T&gt;</c>, <c>ExtractJson&lt;T&gt;</c>): answers valid at first try, repaired, invalid for good; otherwise <see langword="null"/>.</param>
public sealed record OpStats(int Node, string Name, string Description, long In, long Out, long Dropped, BrokerStats? Broker = null, AnswerStats? Answers = null);
