using System.Globalization;
using System.Text;
using BatchFactory.Reporting;

namespace BatchFactory;

public sealed partial record RunSummary
{
    private const int FailuresShown = 10;

    /// <summary>
    /// The summary as a few lines for people (what <see cref="Format"/> gives): how the run ended (its <see cref="Status"/>) and its wall time, one line per op with its counts and, for ops that call
    /// a model, calls made, served from the ledger and failed, tokens and cost; then the totals and the first failures.
    /// </summary>
    /// <returns>The text, ending with a line break.</returns>
    public override string ToString() => Format();

    /// <summary>The same text as <see cref="ToString"/>: a few lines for people about the run.</summary>
    /// <returns>The text, ending with a line break.</returns>
    public string Format()
    {
        var text = new StringBuilder();
        var culture = CultureInfo.InvariantCulture;
        var ended = Status switch
        {
            RunStatus.Completed => "finished",
            RunStatus.CompletedWithFailures => "finished with failures",
            RunStatus.Cancelled => "was cancelled",
            RunStatus.ProviderUnavailable => "stopped: a model's provider is unavailable",
            RunStatus.Stopped => "stopped on request (rerun to finish; nothing done is redone)",
            _ => "failed",
        };
        text.Append(culture, $"Run {ended} in {Elapsed.TotalSeconds:F2} s.").AppendLine();
        foreach (var op in Nodes)
        {
            text.Append(culture, $"  [{op.Node}] {op.Name}: {op.In:N0} in, {op.Out:N0} out");
            if (op.Dropped > 0)
            {
                text.Append(culture, $", {op.Dropped:N0} dropped");
            }

            if (op.Broker is { } b)
            {
                text.Append(culture, $"; {b.Model}: {b.Calls:N0} calls, {b.Cached:N0} from the ledger, {b.Failed:N0} failed, {b.InputTokens:N0} tokens in, {b.OutputTokens:N0} out, {FormatCost(b.Cost)}");
                AppendThrottling(text, culture, b.Retries, b.RateLimited, b.Waited);
            }

            if (op.Answers is { } answers)
            {
                text.Append("; answers: ").Append(answers.ToString());
            }

            text.AppendLine();
        }

        if (Nodes.Any(o => o.Broker is not null))
        {
            var t = Totals;
            text.Append(culture, $"Calls: {t.Calls:N0} made, {t.Cached:N0} served from the ledger, {t.Failed:N0} failed; tokens {t.InputTokens:N0} in, {t.OutputTokens:N0} out; cost {FormatCost(t.Cost)}");
            AppendThrottling(text, culture, t.Retries, t.RateLimited, t.Waited);
            text.Append('.').AppendLine();
            AppendUnpriced(text, culture);
            if (t.BatchCalls > 0)
            {
                text.Append(culture, $"Of these, {t.BatchCalls:N0} answered in batches for {FormatCost(t.BatchCost)} (at the batch price); live {t.Calls - t.BatchCalls:N0} for {FormatCost(t.Cost - t.BatchCost)}.").AppendLine();
            }
        }

        AppendBatches(text, culture);

        AppendFailures(text, culture);
        return text.ToString();
    }

    private void AppendBatches(StringBuilder text, CultureInfo culture)
    {
        if (Batches.Count > 0)
        {
            var statuses = string.Join(", ", Batches.GroupBy(b => b.Status).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Count()} {g.Key}"));
            text.Append(culture, $"Batches ({Batches.Count}: {statuses}):").AppendLine();
            foreach (var batch in Batches)
            {
                text.Append(culture, $"  {batch.Id} {batch.Model}: {batch.Status}, {batch.Completed:N0}/{batch.Requests:N0} done, {batch.Failed:N0} failed").AppendLine();
            }
        }

        foreach (var live in AnsweredLive)
        {
            var why = live.Reason == LiveReasons.NoBatchApi ? "its provider has no batch API" : "auto mode (too few to batch, or the deadline)";
            text.Append(culture, $"{live.Requests:N0} batch requests of {live.Model} were answered live: {why}.").AppendLine();
        }

        foreach (var warning in BatchWarnings)
        {
            text.Append(culture, $"Warning: {warning}").AppendLine();
        }
    }

    /// <summary>A cost in US dollars for people, e.g. <c>$0.0123</c>, or a note that the model has no price.</summary>
    // A warning, not an error: calls of a model without a price ran, but the cost above leaves them out.
    private void AppendUnpriced(StringBuilder text, CultureInfo culture)
    {
        var unpriced = Nodes.Select(o => o.Broker).OfType<BrokerStats>().Where(b => b is { Cost: null, Calls: > 0 }).Select(b => b.Model).Distinct().Order(StringComparer.Ordinal).ToList();
        if (unpriced.Count > 0)
        {
            text.Append(culture, $"Warning: no price for {string.Join(", ", unpriced)}; the cost leaves those calls out. Add prices with RunOptions.Prices = ModelPrices.Default.With(model, input, output).").AppendLine();
        }
    }

    internal static string FormatCost(decimal? cost) =>
        cost is { } dollars ? string.Create(CultureInfo.InvariantCulture, $"${dollars:0.####}") : "cost unknown (no price for the model)";

    // Said only when the provider pushed back, so a clean run's lines stay short.
    private static void AppendThrottling(StringBuilder text, CultureInfo culture, long retries, long rateLimited, TimeSpan waited)
    {
        if (retries > 0 || rateLimited > 0 || waited > TimeSpan.Zero)
        {
            text.Append(culture, $"; throttled: {retries:N0} retries, {rateLimited:N0} × HTTP 429, {waited.TotalSeconds:0.#} s held back");
        }
    }

    private void AppendFailures(StringBuilder text, CultureInfo culture)
    {
        if (Error is { } error)
        {
            text.Append(culture, $"Stopped by: {error}").AppendLine();
        }

        var count = Failures.Count + FailuresNotListed;
        if (Failures.Count == 0 || (Failures.Count == 1 && Error is not null && FailuresNotListed == 0))
        {
            return;
        }

        text.Append(culture, $"Failures ({count:N0}):").AppendLine();
        foreach (var failure in Failures.Take(FailuresShown))
        {
            var entry = failure.Idx is null ? string.Empty : $", entry '{failure.Idx}'";
            text.Append(culture, $"  [{failure.Node}] {failure.OpName}{entry}: {failure.Error}").AppendLine();
        }

        if (count > FailuresShown)
        {
            text.Append(culture, $"  … and {count - FailuresShown:N0} more (see the run's summary JSON)").AppendLine();
        }
    }
}
