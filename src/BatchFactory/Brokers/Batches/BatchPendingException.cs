namespace BatchFactory.Brokers;

/// <summary>
/// A request waits in a batch the run does not wait for (<see cref="BatchOptions.WaitForResults"/> is
/// <see langword="false"/>): its entry stays for the run that collects the batch. Not a failure: nothing is recorded.
/// </summary>
internal sealed class BatchPendingException(string batchId)
    : Exception($"The request waits in batch '{batchId}'; a later run collects its answer.")
{
    /// <summary>The batch the request waits in.</summary>
    public string BatchId { get; } = batchId;
}
