using System.Diagnostics;

namespace BatchFactory.Engine.Telemetry;

/// <summary>The OpenTelemetry span of a run (<see cref="BatchFactoryTelemetry"/>): started before the entries move, ended with the run's totals.</summary>
internal static class RunSpan
{
    /// <summary>The run's span, or <see langword="null"/> when nobody listens.</summary>
    public static Activity? Start(Graph graph)
    {
        var span = BatchFactoryTelemetry.Source.StartActivity("batchfactory.run", ActivityKind.Internal);
        span?.SetTag("batchfactory.ops", graph.Nodes.Count);
        return span;
    }

    /// <summary>Ends <paramref name="span"/> with the run's status and totals; Error unless the run completed.</summary>
    public static void End(Activity? span, RunSummary summary)
    {
        if (span is null)
        {
            return;
        }

        var totals = summary.Totals;
        span.SetTag("batchfactory.run.status", summary.Status.ToString());
        span.SetTag("batchfactory.calls", totals.Calls);
        span.SetTag("batchfactory.cached_calls", totals.Cached);
        span.SetTag("batchfactory.failed_calls", totals.Failed);
        if (summary.Status is not (RunStatus.Completed or RunStatus.CompletedWithFailures))
        {
            span.SetStatus(ActivityStatusCode.Error, summary.Error ?? summary.Status.ToString());
        }
    }
}
