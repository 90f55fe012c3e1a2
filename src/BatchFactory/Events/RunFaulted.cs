namespace BatchFactory;

/// <summary>An op failed (or a ledger could not be written) and stopped the run; <c>RunAsync</c> throws <paramref name="Exception"/>.</summary>
/// <param name="Elapsed">Time since the run started.</param>
/// <param name="Summary">What the run did before it stopped; <see cref="RunSummary.Error"/> says why it stopped.</param>
/// <param name="Exception">The exception <c>RunAsync</c> throws, usually an <see cref="OpException"/>.</param>
public sealed record RunFaulted(TimeSpan Elapsed, RunSummary Summary, Exception Exception) : RunEnded(Elapsed, Summary);
