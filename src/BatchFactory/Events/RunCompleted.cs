namespace BatchFactory;

/// <summary>Every entry left or was dropped; <c>RunAsync</c> returns its result.</summary>
/// <param name="Elapsed">Time since the run started.</param>
/// <param name="Summary">What the run did.</param>
public sealed record RunCompleted(TimeSpan Elapsed, RunSummary Summary) : RunEnded(Elapsed, Summary);
