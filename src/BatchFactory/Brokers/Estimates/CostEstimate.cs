using System.Globalization;
using System.Text;

namespace BatchFactory;

/// <summary>
/// What a run of a graph would send to its models and what it would cost, live and through a batch API, counted by
/// <c>graph.EstimateAsync(options)</c> without sending anything (see <see cref="GraphRunExtensions.EstimateAsync"/>).
/// </summary>
/// <param name="Ops">One row per op that would call a model, in node order; ops whose requests the ledger serves have 0 requests.</param>
public sealed record CostEstimate(IReadOnlyList<OpCostEstimate> Ops)
{
    /// <summary>Requests that would be sent, over all ops.</summary>
    public long Requests => Ops.Sum(o => o.Requests);

    /// <summary>Estimated input tokens, over all ops.</summary>
    public long InputTokens => Ops.Sum(o => o.InputTokens);

    /// <summary>Estimated output tokens, over all ops.</summary>
    public long OutputTokens => Ops.Sum(o => o.OutputTokens);

    /// <summary>US dollars live, over all ops; <see langword="null"/> when an op's cost is unknown (a model without a price).</summary>
    public decimal? LiveCost => Total(o => o.LiveCost);

    /// <summary>US dollars through batch APIs (half the list price), over all ops; <see langword="null"/> when an op's cost is unknown.</summary>
    public decimal? BatchCost => Total(o => o.BatchCost);

    /// <summary>A table, an op a line and a total line, e.g. <c>[1] AskLLM: 120 requests, 9,600 in + 30,720 out tokens, live $0.02, batch $0.01</c>.</summary>
    public override string ToString()
    {
        var text = new StringBuilder("Estimate (nothing sent)").AppendLine();
        foreach (var op in Ops)
        {
            text.Append(CultureInfo.InvariantCulture, $"  [{op.Node}] {op.Op}: ").AppendLine(Line(op.Requests, op.InputTokens, op.OutputTokens, op.LiveCost, op.BatchCost));
        }

        return text.Append("  total: ").Append(Line(Requests, InputTokens, OutputTokens, LiveCost, BatchCost)).ToString();
    }

    private decimal? Total(Func<OpCostEstimate, decimal?> cost) =>
        Ops.Any(o => o.Requests > 0 && cost(o) is null) ? null : Ops.Sum(o => cost(o) ?? 0);

    private static string Line(long requests, long input, long output, decimal? live, decimal? batch) => string.Create(
        CultureInfo.InvariantCulture,
        $"{requests:N0} requests, {input:N0} in + {output:N0} out tokens, live {Dollars(live)}, batch {Dollars(batch)}");

    private static string Dollars(decimal? cost) => cost is { } c ? c.ToString("$0.00####", CultureInfo.InvariantCulture) : "unpriced";
}
