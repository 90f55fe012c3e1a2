namespace BatchFactory;

/// <summary>How a run ended (in the summary JSON as camel case: <c>completed</c>, <c>completedWithFailures</c>…).</summary>
public enum RunStatus
{
    /// <summary>Every entry left or was dropped, and nothing failed.</summary>
    Completed,

    /// <summary>The run's cancellation token was cancelled; <c>RunAsync</c> threw <see cref="OperationCanceledException"/>.</summary>
    Cancelled,

    /// <summary>An op failed, or a ledger could not be written, and stopped the run; <c>RunAsync</c> threw why.</summary>
    Faulted,

    /// <summary>
    /// The run went to its end, but something failed on the way: model requests that failed after their retries, or
    /// entry errors; <see cref="RunSummary.Failures"/> lists them. <c>RunAsync</c> returned, unless
    /// <see cref="RunOptions.ThrowOnFailures"/> is on.
    /// </summary>
    CompletedWithFailures,

    /// <summary>
    /// A model's circuit breaker opened (its key was refused, the model is unknown, or its provider could not be
    /// reached) and stopped the run; <c>RunAsync</c> threw <see cref="ProviderUnavailableException"/>. Answers received
    /// before are in the ledger: a rerun after the fault is fixed makes only the missing calls.
    /// </summary>
    ProviderUnavailable,

    /// <summary>
    /// The run was asked to stop gracefully (<c>RunOptions.StopToken</c>, the first Ctrl+C with <c>ConsoleStop</c>): its
    /// sources stopped reading, calls in flight finished and were recorded, and the entries already inside went as far as
    /// they could without a new call. A rerun finishes the work and redoes nothing that was done.
    /// </summary>
    Stopped,
}
