namespace BatchFactory.Brokers;

/// <summary>The provider does not know a recorded batch: it belongs to another API key's project, or was deleted.</summary>
internal sealed class BatchNotFoundException(string batchId, Exception? inner = null)
    : Exception($"The provider does not know batch '{batchId}' (a different API key's project cannot see it); its requests are submitted again.", inner);
