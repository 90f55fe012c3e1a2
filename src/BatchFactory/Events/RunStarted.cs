namespace BatchFactory;

/// <summary>A run was built and its first entry is about to move. Always the first event of a run.</summary>
/// <param name="Elapsed">Time since the run started (building its blocks and opening its ledgers).</param>
/// <param name="StartedAt">When the run started, on the run's <see cref="RunOptions.TimeProvider"/>.</param>
/// <param name="Nodes">Every op of the graph, by node index.</param>
public sealed record RunStarted(TimeSpan Elapsed, DateTimeOffset StartedAt, IReadOnlyList<OpInfo> Nodes) : RunEvent(Elapsed);
