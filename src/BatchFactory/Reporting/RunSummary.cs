namespace BatchFactory;

/// <summary>
/// What a run did, for people (<see cref="ToString"/>, the same as <see cref="Format"/>) and for comparing runs (<see cref="ToJson"/>): how it ended, its wall
/// time, per-op counts with calls, tokens and cost, and the entries that failed. <c>RunAsync</c> returns it as
/// <see cref="RunResult.Summary"/>, the last run event carries it (<see cref="RunEnded.Summary"/>), and a run with a
/// <see cref="RunOptions.Project"/> writes it to <c>runs/&lt;start time&gt;.summary.json</c> in the project folder.
/// </summary>
/// <param name="Status">How the run ended.</param>
/// <param name="StartedAt">When the run started, on the run's <see cref="RunOptions.TimeProvider"/>.</param>
/// <param name="Elapsed">The run's wall time.</param>
/// <param name="Nodes">Per-op counts, by node index (<c>ops</c> in the JSON).</param>
/// <param name="Failures">
/// Entries that failed: model requests that failed after retries (the run went on) and the error that stopped a faulted
/// (or provider-unavailable) run, in the order they happened; at most <see cref="MaxListedFailures"/>.
/// </param>
/// <param name="FailuresNotListed">Failures beyond the first <see cref="MaxListedFailures"/>, counted but not listed.</param>
/// <param name="Error">Why a run that was stopped (<see cref="RunStatus.Faulted"/>, <see cref="RunStatus.ProviderUnavailable"/>) stopped, API keys removed; <see langword="null"/> otherwise.</param>
public sealed partial record RunSummary(
    RunStatus Status,
    DateTimeOffset StartedAt,
    TimeSpan Elapsed,
    [property: System.Text.Json.Serialization.JsonPropertyName("ops")] IReadOnlyList<OpStats> Nodes,
    IReadOnlyList<EntryFailure> Failures,
    long FailuresNotListed,
    string? Error)
{
    /// <summary>How many failures a summary lists; further ones are only counted, so a run with a million failures stays small.</summary>
    public const int MaxListedFailures = 1000;

    /// <summary>Every provider batch the run submitted or collected, oldest first. Default none.</summary>
    public IReadOnlyList<BatchSummary> Batches { get; init; } = [];

    /// <summary>
    /// Requests of ops in batch or auto mode answered live instead, by <c>model@provider</c> and why: <c>no batch API</c>
    /// (the provider has none, e.g. <c>offline</c> or your own chat client) or <c>auto</c> (too few to batch, or a deadline). Default none.
    /// </summary>
    public IReadOnlyList<LiveInstead> AnsweredLive { get; init; } = [];

    /// <summary>
    /// Warnings about provider batches, in the order they arose: a submission an earlier run left that could not be
    /// checked now (the provider's list failed, or its provider is no longer configured; left for a later run), or an
    /// Anthropic batch that was not taken up because the guess was ambiguous (its requests were submitted again). Default none.
    /// </summary>
    public IReadOnlyList<string> BatchWarnings { get; init; } = [];

    /// <summary>Calls made, served from the ledger and failed, tokens and cost, over every op.</summary>
    public CallTotals Totals => CallTotals.Of(Nodes);
}
