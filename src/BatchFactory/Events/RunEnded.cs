namespace BatchFactory;

/// <summary>
/// The run ended: <see cref="RunCompleted"/>, <see cref="RunCancelled"/> or <see cref="RunFaulted"/>. Always the last
/// event of a run, after the final <see cref="RunProgress"/>.
/// </summary>
/// <param name="Elapsed">Time since the run started.</param>
/// <param name="Summary">What the run did: per-op counts, calls, tokens, cost, failures.</param>
public abstract record RunEnded(TimeSpan Elapsed, RunSummary Summary) : RunEvent(Elapsed);
