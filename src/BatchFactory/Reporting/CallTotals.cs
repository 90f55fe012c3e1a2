namespace BatchFactory;

/// <summary>Model calls, tokens and cost summed over several ops.</summary>
/// <param name="Calls">Requests sent to providers and answered.</param>
/// <param name="Cached">Requests answered from the ledger or by an identical request in flight, without a call.</param>
/// <param name="Failed">Requests that failed after retries.</param>
/// <param name="InputTokens">Input tokens of the calls made.</param>
/// <param name="OutputTokens">Output tokens of the calls made.</param>
/// <param name="Cost">What the calls cost in US dollars, over the ops whose models have a price.</param>
/// <param name="Retries">Attempts that failed with a transient error and were tried again (<see cref="BrokerStats.Retries"/>).</param>
/// <param name="RateLimited">Attempts refused with HTTP 429 (<see cref="BrokerStats.RateLimited"/>).</param>
/// <param name="Waited">Time calls were held back by cool-downs and rate limits, summed over calls (<see cref="BrokerStats.Waited"/>).</param>
public sealed record CallTotals(long Calls, long Cached, long Failed, long InputTokens, long OutputTokens, decimal Cost, long Retries = 0, long RateLimited = 0, TimeSpan Waited = default)
{
    /// <summary>Of <see cref="Calls"/>, those answered through a provider's batch API. Default 0.</summary>
    public long BatchCalls { get; init; }

    /// <summary>Of <see cref="Cost"/>, what the batch answers cost (at the batch price, by default half the live price). Default 0.</summary>
    public decimal BatchCost { get; init; }

    /// <summary>Sums the model calls of <paramref name="ops"/> (ops that call no model add nothing).</summary>
    /// <param name="ops">Per-op counts.</param>
    /// <returns>The totals.</returns>
    public static CallTotals Of(IEnumerable<OpStats> ops)
    {
        ArgumentNullException.ThrowIfNull(ops);
        long calls = 0, cached = 0, failed = 0, input = 0, output = 0, retries = 0, rateLimited = 0;
        var waited = TimeSpan.Zero;
        var cost = 0m;
        long batchCalls = 0;
        var batchCost = 0m;
        foreach (var b in ops.Select(o => o.Broker).OfType<BrokerStats>())
        {
            calls += b.Calls;
            cached += b.Cached;
            failed += b.Failed;
            input += b.InputTokens;
            output += b.OutputTokens;
            cost += b.Cost ?? 0m;
            retries += b.Retries;
            rateLimited += b.RateLimited;
            waited += b.Waited;
            batchCalls += b.BatchCalls;
            batchCost += b.BatchCost ?? 0m;
        }

        return new CallTotals(calls, cached, failed, input, output, cost, retries, rateLimited, waited) { BatchCalls = batchCalls, BatchCost = batchCost };
    }
}
