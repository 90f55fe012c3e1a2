namespace BatchFactory.Brokers;

/// <summary>A provider with a batch API. A provider without one answers batch requests live.</summary>
internal interface IBatchProvider
{
    /// <summary>The batch API for <paramref name="model"/>; the caller disposes it.</summary>
    IBatchApi CreateBatchApi(string model);
}
