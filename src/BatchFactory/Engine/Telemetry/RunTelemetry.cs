using BatchFactory.Events;
using BatchFactory.Logging;
using BatchFactory.Reporting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace BatchFactory.Engine.Telemetry;

/// <summary>
/// What one run tells the outside: its events (to <see cref="RunOptions.Monitor"/>), its logs (to
/// <see cref="RunOptions.LoggerFactory"/>), its failures and its summary. Made with the run; started once the run is
/// built; ended exactly once, however the run ends. Per-entry work never comes here: only model calls and the run's
/// start and end do, and a sampler that reads the ops' counters.
/// </summary>
internal sealed partial class RunTelemetry
{
    private readonly RunOptions _options;
    private readonly ModelPrices _prices;
    private readonly ILogger _runLog;
    private readonly ILogger _callLog;
    private readonly long _startTimestamp;
    private readonly DateTimeOffset _startedAt;
    private readonly FailureLog _failures = new();
    private OpContext[] _contexts = [];
    private RunEventPump? _pump;
    private ProgressSampler? _sampler;

    public RunTelemetry(RunOptions options)
    {
        _options = options;
        _prices = options.Prices.WithProviders(options.Models);
        var loggers = options.LoggerFactory ?? NullLoggerFactory.Instance;
        _runLog = loggers.CreateLogger(RunLog.Category);
        _callLog = loggers.CreateLogger(CallLog.Category);
        _startTimestamp = options.TimeProvider.GetTimestamp();
        _startedAt = options.TimeProvider.GetUtcNow();
        Secrets = new SecretRedactor(options.Models.Secrets);

        // Tracking a call costs a closure and an async-local; worth it only when someone listens.
        TracksCalls = options.Monitor is not null || _callLog.IsEnabled(LogLevel.Information);
    }

    /// <summary>Removes API keys from what is logged, published and summarised.</summary>
    public SecretRedactor Secrets { get; }

    /// <summary>Whether model calls are wrapped to report their start, end and retries.</summary>
    public bool TracksCalls { get; }

    /// <summary>Whether the run writes its summary to the project; not when it only estimates.</summary>
    public bool WritesSummary { get; set; } = true;

    public TimeSpan Elapsed => _options.TimeProvider.GetElapsedTime(_startTimestamp);

    /// <summary>The run is built and its first entry is about to move: publishes <see cref="RunStarted"/> and starts sampling.</summary>
    public async Task StartedAsync(Graph graph, OpContext[] contexts)
    {
        _contexts = contexts;
        RunLog.Started(_runLog, contexts.Length, _options.Project?.ToString() ?? "none");
        if (_options.Monitor is not { } monitor)
        {
            return;
        }

        var ops = contexts.Select(c => new OpInfo(c.Node, c.Name, c.Description, c.Broker is not null, c.Op.KnownCount, Inputs(graph, c.Node), c.Op.OutputPorts)).ToList();
        _pump = new RunEventPump(monitor, _runLog, Secrets);
        await _pump.PublishSurelyAsync(new RunStarted(Elapsed, _startedAt, ops)).ConfigureAwait(false);
        _sampler = new ProgressSampler(ops, _options.TimeProvider, monitor.SampleInterval, () => (Stats(), Elapsed), progress => _pump.Publish(WithBatches(progress)),
            ex => RunLog.SamplingFailed(_runLog, Secrets.Describe(ex)));
    }

    /// <summary>
    /// The run has stopped (every block is done): takes the final counts, builds the summary, logs it, writes it to the
    /// project folder and publishes the final sample and the end event, waiting until observers have had them.
    /// </summary>
    /// <param name="error">Why the run stopped early, or <see langword="null"/> when it completed.</param>
    /// <param name="cancelled">Whether it stopped because its token was cancelled.</param>
    public async Task<RunSummary> EndAsync(Exception? error, bool cancelled)
    {
        var stats = Stats();
        var elapsed = Elapsed;
        var status = error switch
        {
            null when _options.StopToken.IsCancellationRequested => RunStatus.Stopped,
            null => _failures.Read().Listed.Count > 0 ? RunStatus.CompletedWithFailures : RunStatus.Completed,
            _ when cancelled => RunStatus.Cancelled,
            ProviderUnavailableException => RunStatus.ProviderUnavailable,
            _ => RunStatus.Faulted,
        };
        string? described = null;
        if (status is RunStatus.Faulted or RunStatus.ProviderUnavailable)
        {
            described = Secrets.Describe(error!);
            var op = error as OpException;
            _failures.Add(new EntryFailure(op?.Node ?? -1, op?.OpName ?? "run", op?.Idx, described));
        }

        var (failures, notListed) = _failures.Read();
        var summary = WithBatches(new RunSummary(status, _startedAt, elapsed, stats, failures, notListed, described), Batches?.Invoke());
        LogEnd(summary);
        if (_options.Project is { } project && WritesSummary)
        {
            await SummaryFile.WriteAsync(project, summary, _runLog).ConfigureAwait(false);
        }

        if (_pump is not null)
        {
            await _pump.PublishSurelyAsync(WithBatches(_sampler!.Final(stats, elapsed))).ConfigureAwait(false);
            await _pump.PublishSurelyAsync(status switch
            {
                RunStatus.Completed or RunStatus.CompletedWithFailures or RunStatus.Stopped => new RunCompleted(elapsed, summary),
                RunStatus.Cancelled => new RunCancelled(elapsed, summary),
                _ => new RunFaulted(elapsed, summary, error!),
            }).ConfigureAwait(false);
            if (await _pump.CompleteAsync().ConfigureAwait(false) is > 0 and var dropped)
            {
                RunLog.EventsDropped(_runLog, dropped);
            }
        }

        return summary;
    }

    private List<OpStats> Stats() => [.. _contexts.Select(c => c.Stats(_prices))];

    private static List<int> Inputs(Graph graph, int node) =>
        [.. graph.Edges.Where(e => graph.IndexOf(e.Target) == node && !e.Target.IsLoopBack(e.InPort)).Select(e => graph.IndexOf(e.Source))];

    private void LogEnd(RunSummary summary)
    {
        var seconds = Math.Round(summary.Elapsed.TotalSeconds, 2);
        var totals = summary.Totals;
        switch (summary.Status)
        {
            case RunStatus.Completed or RunStatus.CompletedWithFailures:
                RunLog.Completed(_runLog, seconds, totals.Calls, totals.Cached, totals.Failed, totals.InputTokens, totals.OutputTokens, totals.Cost);
                break;
            case RunStatus.Cancelled:
                RunLog.Cancelled(_runLog, seconds, totals.Calls);
                break;
            default:
                RunLog.Faulted(_runLog, seconds, summary.Error!);
                break;
        }
    }
}
