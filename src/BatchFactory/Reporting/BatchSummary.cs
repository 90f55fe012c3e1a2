namespace BatchFactory;

/// <summary>One provider batch a run submitted or collected (<see cref="RunSummary.Batches"/>).</summary>
/// <param name="Id">The provider's batch id.</param>
/// <param name="Model"><c>model@provider</c>.</param>
/// <param name="Status">Its last status: <c>validating</c>, <c>in_progress</c>, <c>finalizing</c>, <c>completed</c>, <c>expired</c>, <c>cancelled</c>, <c>failed</c>, or <c>lost</c> (the provider did not know it; its requests were submitted again).</param>
/// <param name="Requests">The requests it holds.</param>
/// <param name="Completed">Requests answered, by the provider's last count.</param>
/// <param name="Failed">Requests failed, by the provider's last count.</param>
public sealed record BatchSummary(string Id, string Model, string Status, int Requests, int Completed, int Failed);
