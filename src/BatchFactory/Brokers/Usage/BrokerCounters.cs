using BatchFactory.Brokers.Resilience;

namespace BatchFactory.Brokers;

/// <summary>Live counts of one broker op during a run; updated from many calls at once.</summary>
internal sealed class BrokerCounters
{
    private long _calls;
    private long _cached;
    private long _failed;
    private long _inputTokens;
    private long _outputTokens;
    private long _retries;
    private long _rateLimited;
    private long _waitedTicks;
    private long _batchCalls;
    private long _batchInputTokens;
    private long _batchOutputTokens;
    private ModelSpec? _model;
    private CoolDown? _coolDown;
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

    /// <summary>A request answered through a provider's batch API: counted as a call, priced at the model's batch price.</summary>
    public void CalledInBatch(ModelSpec model, bool local, long inputTokens, long outputTokens)
    {
        Called(model, local, inputTokens, outputTokens);
        Interlocked.Increment(ref _batchCalls);
        Interlocked.Add(ref _batchInputTokens, inputTokens);
        Interlocked.Add(ref _batchOutputTokens, outputTokens);
    }

    public void Served(ModelSpec model)
    {
        Volatile.Write(ref _model, model);
        Interlocked.Increment(ref _cached);
    }

    public void Failed() => Interlocked.Increment(ref _failed);

    /// <summary>An attempt failed and is tried again.</summary>
    public void Retried() => Interlocked.Increment(ref _retries);

    /// <summary>The provider refused an attempt with HTTP 429.</summary>
    public void RateLimited() => Interlocked.Increment(ref _rateLimited);

    /// <summary>A call was held back by a cool-down or a rate limit for <paramref name="time"/>.</summary>
    public void Waited(TimeSpan time) => Interlocked.Add(ref _waitedTicks, time.Ticks);

    /// <summary>A call to <paramref name="model"/> goes out: the snapshots report the time left of its <paramref name="coolDown"/>.</summary>
    public void Calling(ModelSpec model, CoolDown coolDown)
    {
        Volatile.Write(ref _model, model);
        Volatile.Write(ref _coolDown, coolDown);
    }

    /// <summary>
    /// What a call to <paramref name="model"/> cost (at its batch price if <paramref name="batch"/>): 0 on a local
    /// provider, <see langword="null"/> without a price (or without a model).
    /// </summary>
    public static decimal? CostOf(ModelPrices prices, ModelSpec? model, bool local, long inputTokens, long outputTokens, bool batch = false) =>
        local ? 0m : model is null ? null : prices.Cost(model, inputTokens, outputTokens, batch);

    public BrokerStats Snapshot(ModelPrices prices)
    {
        var model = Volatile.Read(ref _model);
        long input = Interlocked.Read(ref _inputTokens), output = Interlocked.Read(ref _outputTokens);
        long batchInput = Interlocked.Read(ref _batchInputTokens), batchOutput = Interlocked.Read(ref _batchOutputTokens);
        var local = Volatile.Read(ref _local);
        var liveCost = CostOf(prices, model, local, input - batchInput, output - batchOutput);
        var batchCost = CostOf(prices, model, local, batchInput, batchOutput, batch: true);
        return new BrokerStats(model?.ToString() ?? "", Interlocked.Read(ref _calls), Interlocked.Read(ref _cached), Interlocked.Read(ref _failed), input, output, liveCost + batchCost,
            Interlocked.Read(ref _retries), Interlocked.Read(ref _rateLimited), TimeSpan.FromTicks(Interlocked.Read(ref _waitedTicks)), Volatile.Read(ref _coolDown)?.Left)
        {
            BatchCalls = Interlocked.Read(ref _batchCalls),
            BatchCost = batchCost,
        };
    }
}
