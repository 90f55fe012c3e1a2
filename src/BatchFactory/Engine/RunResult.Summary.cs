using System.Globalization;
using System.Text;

namespace BatchFactory;

public sealed partial class RunResult
{
    /// <summary>Requests sent to providers in this run, over all ops.</summary>
    public long Calls => Brokers.Sum(b => b.Calls);

    /// <summary>Requests answered from the ledger (or by an identical request in flight) instead, over all ops.</summary>
    public long CachedCalls => Brokers.Sum(b => b.Cached);

    /// <summary>Requests that failed after retries, over all ops.</summary>
    public long FailedCalls => Brokers.Sum(b => b.Failed);

    /// <summary>What the run's calls cost in US dollars, over the ops whose models have a price.</summary>
    public decimal Cost => Brokers.Sum(b => b.Cost ?? 0m);

    private IEnumerable<BrokerStats> Brokers => Ops.Select(o => o.Broker).OfType<BrokerStats>();

    /// <summary>
    /// A few lines for people: wall time, then one line per op with its counts and, for ops that call a model, calls
    /// made, served from the ledger and failed, tokens and cost; then the totals.
    /// </summary>
    public string Summary()
    {
        var text = new StringBuilder();
        var culture = CultureInfo.InvariantCulture;
        text.Append(culture, $"Run finished in {Elapsed.TotalSeconds:F2} s.").AppendLine();
        foreach (var op in Ops)
        {
            text.Append(culture, $"  [{op.Node}] {op.Name}: {op.In:N0} in, {op.Out:N0} out");
            if (op.Dropped > 0)
            {
                text.Append(culture, $", {op.Dropped:N0} dropped");
            }

            if (op.Broker is { } b)
            {
                text.Append(culture, $"; {b.Model}: {b.Calls:N0} calls, {b.Cached:N0} from the ledger, {b.Failed:N0} failed, {b.InputTokens:N0} tokens in, {b.OutputTokens:N0} out, {FormatCost(b.Cost)}");
            }

            text.AppendLine();
        }

        if (Brokers.Any())
        {
            text.Append(culture, $"Calls: {Calls:N0} made, {CachedCalls:N0} served from the ledger, {FailedCalls:N0} failed; cost {FormatCost(Cost)}.").AppendLine();
        }

        return text.ToString();
    }

    private static string FormatCost(decimal? cost) =>
        cost is { } dollars ? string.Create(CultureInfo.InvariantCulture, $"${dollars:0.####}") : "cost unknown (no price for the model)";
}
