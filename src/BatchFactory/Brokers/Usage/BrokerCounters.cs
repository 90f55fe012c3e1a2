namespace BatchFactory.Brokers;

/// <summary>Live counts of one broker op during a run; updated from many calls at once.</summary>
internal sealed class BrokerCounters
{
    private long _calls;
    private long _cached;
    private long _failed;
    private long _inputTokens;
    private long _outputTokens;
    private long _batchCalls;
    private long _batchInputTokens;
    private long _batchOutputTokens;
    private ModelSpec? _model;
    private bool _local;

    // local: whether the model's provider is local, so its calls cost nothing.
    public void Called(ModelSpec model, bool local, long inputTokens, long outputTokens)
    {
        Volatile.Write(ref _model, model);
        Volatile.Write(ref _local, local);
        Interlocked.Increment(ref _calls);
        Interlocked.Add(ref _inputTokens, inputTokens);
        Interlocked.Add(ref _outputTokens, outputTokens);
    }

    /// <summary>A request answered through a provider's batch API: counted as a call, priced at <see cref="BatchPriceFactor"/> of the live price.</summary>
    public void CalledInBatch(ModelSpec model, bool local, long inputTokens, long outputTokens)
    {
        Called(model, local, inputTokens, outputTokens);
        Interlocked.Increment(ref _batchCalls);
        Interlocked.Add(ref _batchInputTokens, inputTokens);
        Interlocked.Add(ref _batchOutputTokens, outputTokens);
    }

    /// <summary>What a batch answer costs relative to a live one: half, as OpenAI and Azure OpenAI price them.</summary>
    public const decimal BatchPriceFactor = 0.5m;

    public void Served(ModelSpec model)
    {
        Volatile.Write(ref _model, model);
        Interlocked.Increment(ref _cached);
    }

    public void Failed() => Interlocked.Increment(ref _failed);

    /// <summary>What a call to <paramref name="model"/> (without <c>@provider</c>) cost: 0 on a local provider, <see langword="null"/> without a price.</summary>
    public static decimal? CostOf(ModelPrices prices, string model, bool local, long inputTokens, long outputTokens) =>
        local ? 0m : prices.Cost(model, inputTokens, outputTokens);

    public BrokerStats Snapshot(ModelPrices prices)
    {
        var model = Volatile.Read(ref _model);
        long input = Interlocked.Read(ref _inputTokens), output = Interlocked.Read(ref _outputTokens);
        long batchInput = Interlocked.Read(ref _batchInputTokens), batchOutput = Interlocked.Read(ref _batchOutputTokens);
        var local = Volatile.Read(ref _local);
        var liveCost = CostOf(prices, model?.Model ?? "", local, input - batchInput, output - batchOutput);
        var batchCost = CostOf(prices, model?.Model ?? "", local, batchInput, batchOutput) * BatchPriceFactor;
        return new BrokerStats(model?.ToString() ?? "", Interlocked.Read(ref _calls), Interlocked.Read(ref _cached), Interlocked.Read(ref _failed), input, output, liveCost + batchCost)
        {
            BatchCalls = Interlocked.Read(ref _batchCalls),
            BatchCost = batchCost,
        };
    }
}
