namespace BatchFactory;

public sealed partial class RunResult
{
    /// <summary>Requests sent to providers in this run, over all ops.</summary>
    public long Calls => _totals.Calls;

    /// <summary>Requests answered from the ledger (or by an identical request in flight) instead, over all ops.</summary>
    public long CachedCalls => _totals.Cached;

    /// <summary>Requests that failed after retries, over all ops.</summary>
    public long FailedCalls => _totals.Failed;

    /// <summary>Input tokens of the requests sent in this run, over all ops.</summary>
    public long InputTokens => _totals.InputTokens;

    /// <summary>Output tokens of the requests sent in this run, over all ops.</summary>
    public long OutputTokens => _totals.OutputTokens;

    /// <summary>What the run's calls cost in US dollars, over the ops whose models have a price.</summary>
    public decimal Cost => _totals.Cost;

    /// <summary>
    /// The entries whose model requests failed after retries (the run went on without them, as each op's
    /// <see cref="OnCallFailure"/> said), in the order they failed; at most <see cref="RunSummary.MaxListedFailures"/>.
    /// </summary>
    public IReadOnlyList<EntryFailure> Failures => _summary.Failures;

    /// <summary>
    /// The run's summary as one object: status, start time, wall time, per-op counts, calls, tokens, cost and failures.
    /// The same object the <see cref="RunCompleted"/> event carries and the project folder's summary JSON holds. Print
    /// it (<see cref="RunSummary.ToString"/>, the same as <see cref="RunSummary.Format"/>) for a few lines for people.
    /// </summary>
    public RunSummary Summary => _summary;
}
