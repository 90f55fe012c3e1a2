using System.Diagnostics;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace BatchFactory.Benchmarks.Providers;

/// <summary>
/// The OpenTelemetry SDK listening to BatchFactory as an application would set it up: a tracer provider for the
/// <c>BatchFactory</c> source (the default sampler, so every span is recorded) whose spans go through the SDK's batch
/// export processor (what the OTLP exporter uses) to an exporter that counts and drops them, and a meter provider for
/// the <c>BatchFactory</c> meter with the SDK's in-memory exporter. The cost measured is the SDK's sampling, recording,
/// aggregation and export path without a network exporter's.
/// </summary>
internal sealed class OpenTelemetryListeners : IDisposable
{
    // Room for every span of a run, so that a busy machine delaying the export thread drops none (the SDK's default
    // queue of 2,048 spans drops what does not fit, which the harness would report as missing spans).
    private const int QueueSize = 1 << 20;

    private readonly CountingExporter _spans = new();
    private readonly List<Metric> _metrics = [];
    private readonly TracerProvider _tracer;
    private readonly MeterProvider _meter;

    public OpenTelemetryListeners()
    {
        _tracer = Sdk.CreateTracerProviderBuilder().AddSource(BatchFactoryTelemetry.Name).AddProcessor(new BatchActivityExportProcessor(_spans, maxQueueSize: QueueSize)).Build();
        _meter = Sdk.CreateMeterProviderBuilder().AddMeter(BatchFactoryTelemetry.Name).AddInMemoryExporter(_metrics).Build();
    }

    /// <summary>Exports the spans still queued and returns how many were exported.</summary>
    public long SpansExported()
    {
        _tracer.ForceFlush();
        return _spans.Exported;
    }

    /// <summary>Collects the metrics now and returns the <c>batchfactory.calls</c> counter's total.</summary>
    public long CallsCounted()
    {
        _metrics.Clear();
        _meter.ForceFlush();
        var total = 0L;
        foreach (var metric in _metrics.Where(m => m.Name == "batchfactory.calls"))
        {
            foreach (ref readonly var point in metric.GetMetricPoints())
            {
                total += point.GetSumLong();
            }
        }

        return total;
    }

    public void Dispose()
    {
        _tracer.Dispose();
        _meter.Dispose();
    }

    // Counts the spans it is given, as a network exporter would send and forget them.
    private sealed class CountingExporter : BaseExporter<Activity>
    {
        private long _exported;

        public long Exported => Interlocked.Read(ref _exported);

        public override ExportResult Export(in Batch<Activity> batch)
        {
            Interlocked.Add(ref _exported, batch.Count);
            return ExportResult.Success;
        }
    }
}
