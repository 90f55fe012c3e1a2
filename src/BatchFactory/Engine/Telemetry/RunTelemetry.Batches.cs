using BatchFactory.Brokers;
using BatchFactory.Reporting;

namespace BatchFactory.Engine.Telemetry;

/// <summary>The run's provider batches in its summary.</summary>
internal sealed partial class RunTelemetry
{
    /// <summary>The run's batches when it ends; <see langword="null"/> (or returning it) when no model was called.</summary>
    public Func<BatchReport?>? Batches { get; set; }

    private static RunSummary WithBatches(RunSummary summary, BatchReport? report)
    {
        if (report is null)
        {
            return summary;
        }

        return summary with
        {
            Batches = [.. report.Batches.Select(b => new BatchSummary(b.Id, b.Model.ToString(), b.Status, b.Keys.Count, b.Counts.Completed, b.Counts.Failed))],
            AnsweredLive =
            [
                .. report.NoBatchApi.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => new LiveInstead(p.Key, p.Value, LiveReasons.NoBatchApi)),
                .. report.AutoLive.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => new LiveInstead(p.Key, p.Value, LiveReasons.Auto)),
            ],
        };
    }
}
