namespace BatchFactory.Brokers;

/// <summary>What a run's batch answers are built from, taken from the run's options when the run is built.</summary>
/// <param name="Models">Resolves <c>model@provider</c> to a provider (with a batch API, or not).</param>
/// <param name="Batch">Batching for every model without an entry in <paramref name="BatchFor"/>.</param>
/// <param name="BatchFor">Batching per model (<c>model@provider</c>).</param>
/// <param name="Time">The clock for flushing and polling.</param>
/// <param name="Folder">Where batch files are written; <see langword="null"/> for a temporary folder, deleted at the end.</param>
/// <param name="OpenLedger">Opens the ledger batches are recorded in; <see langword="null"/> without a project (no resume).</param>
/// <param name="Shared">
/// Whether other workers run on the same project at the same time (a PostgreSQL project): each batched request is then
/// also recorded under its own key, and a request is looked up there before it goes into a new batch.
/// </param>
/// <param name="OpenAnswers">
/// Opens a project ledger by name (answers are kept in <see cref="ModelRequest.LedgerOf"/>'s): for the answers of a
/// batch no request of the run waits for, and for looking a request up before it is submitted again. <see langword="null"/>
/// without a project.
/// </param>
internal sealed record BatchSetup(
    ModelProviders Models,
    BatchOptions Batch,
    IReadOnlyDictionary<string, BatchOptions>? BatchFor,
    TimeProvider Time,
    string? Folder,
    Func<CancellationToken, ValueTask<ILedger>>? OpenLedger,
    bool Shared = false,
    Func<string, CancellationToken, ValueTask<ILedger>>? OpenAnswers = null)
{
    /// <summary>The batching of <paramref name="model"/>.</summary>
    public BatchOptions For(ModelSpec model) => BatchFor?.GetValueOrDefault(model.ToString()) ?? Batch;
}
