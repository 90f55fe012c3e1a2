namespace BatchFactory;

/// <summary>The run's cancellation token was cancelled; every block has stopped and <c>RunAsync</c> throws <see cref="OperationCanceledException"/>.</summary>
/// <param name="Elapsed">Time since the run started.</param>
/// <param name="Summary">What the run did before it stopped.</param>
public sealed record RunCancelled(TimeSpan Elapsed, RunSummary Summary) : RunEnded(Elapsed, Summary);
