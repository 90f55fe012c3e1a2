namespace BatchFactory;

/// <summary>
/// A provider batch of the run was seen for the first time, changed status, or reported more requests done, as of the
/// sample published just after it (batches change over minutes, so the sample interval is their resolution). The last
/// one of each batch, before the final sample, is its state at the end of the run.
/// </summary>
/// <param name="Elapsed">Time since the run started.</param>
/// <param name="Batch">The batch: its id, model, status (<c>validating</c>, <c>in_progress</c>, <c>finalizing</c>, <c>completed</c>, <c>expired</c>, <c>cancelled</c>, <c>failed</c>, <c>lost</c>) and counts.</param>
public sealed record BatchChanged(TimeSpan Elapsed, BatchSummary Batch) : RunEvent(Elapsed);
