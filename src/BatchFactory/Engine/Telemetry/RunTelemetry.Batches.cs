using BatchFactory.Brokers;
using BatchFactory.Reporting;

namespace BatchFactory.Engine.Telemetry;

/// <summary>The run's provider batches in its progress samples, as events when they change, and in its summary.</summary>
internal sealed partial class RunTelemetry
{
    /// <summary>The run's batches when it ends; <see langword="null"/> (or returning it) when no model was called.</summary>
    public Func<BatchReport?>? Batches { get; set; }

    // The last state of each batch published as a BatchChanged, by id.
    private readonly Dictionary<string, BatchSummary> _publishedBatches = new(StringComparer.Ordinal);

    // A sample with the run's batches, after a BatchChanged for each batch that is new or changed since the last sample.
    private RunProgress WithBatches(RunProgress progress)
    {
        if (Batches?.Invoke() is not { } report)
        {
            return progress;
        }

        var batches = Summaries(report);
        lock (_publishedBatches)
        {
            foreach (var batch in batches)
            {
                if (!_publishedBatches.TryGetValue(batch.Id, out var last) || last != batch)
                {
                    _publishedBatches[batch.Id] = batch;
                    _pump?.Publish(new BatchChanged(progress.Elapsed, batch));
                }
            }
        }

        return progress with { Batches = batches };
    }

    private static BatchSummary[] Summaries(BatchReport report) =>
        [.. report.Batches.Select(b => new BatchSummary(b.Id, b.Model.ToString(), b.Status, b.Keys.Count, b.Counts.Completed, b.Counts.Failed))];

    private RunSummary WithBatches(RunSummary summary, BatchReport? report)
    {
        if (report is null)
        {
            return summary;
        }

        return summary with
        {
            Batches = Summaries(report),
            AnsweredLive =
            [
                .. report.NoBatchApi.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => new LiveInstead(p.Key, p.Value, LiveReasons.NoBatchApi)),
                .. report.AutoLive.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => new LiveInstead(p.Key, p.Value, LiveReasons.Auto)),
            ],
            BatchWarnings = [.. report.Warnings.Select(Secrets.Redact)],
        };
    }
}
