namespace BatchFactory.Engine;

/// <summary>
/// The state of one run: its cancellation, its first failure and the outputs its sinks produced.
/// Made fresh for every run, so a graph can run any number of times.
/// </summary>
internal sealed class RunContext : IDisposable
{
    private readonly CancellationTokenSource _cts;
    private readonly List<RunOutput> _outputs = [];
    private readonly Lazy<Brokers.ModelBroker> _broker;
    private readonly IDisposable? _ledgerLogs;
    private Exception? _failure;
    private Brokers.ClaimStore? _claims;

    public RunContext(RunOptions options, CancellationToken cancellationToken)
    {
        Options = options;
        Telemetry = new Telemetry.RunTelemetry(options);
        _cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        _ledgerLogs = options is { Project: { } project, LoggerFactory: { } loggers } ? project.LogLedgersTo(loggers) : null;
        _broker = new(() =>
        {
            var setup = new Brokers.BrokerSetup(options.Models, options.Broker, options.BrokerFor, options.Prices, options.TimeProvider);
            return SharedRun() is { } claims
                ? new Brokers.ModelBroker(Brokers.SharedLimits.PerWorker(setup), Telemetry, Telemetry.Secrets, around: live => Shared(live, claims, setup))
                : new Brokers.ModelBroker(setup, Telemetry, Telemetry.Secrets);
        });
    }

    public RunOptions Options { get; }

    /// <summary>The run's events, logs, failures and summary.</summary>
    public Telemetry.RunTelemetry Telemetry { get; }

    /// <summary>The run's token: cancelled when the user asked to stop or an op failed. Every block uses it.</summary>
    public CancellationToken Token => _cts.Token;

    /// <summary>Whether the run was asked to stop gracefully (<see cref="RunOptions.StopToken"/>): take in no new work.</summary>
    public bool Stopping => Options.StopToken.IsCancellationRequested;

    /// <summary>The first failure of the run, if any.</summary>
    public Exception? Failure => Volatile.Read(ref _failure);

    /// <summary>Records a failure (the first one wins) and stops the rest of the run.</summary>
    /// <returns>The exception, for throwing.</returns>
    public Exception Fail(Exception exception)
    {
        Interlocked.CompareExchange(ref _failure, exception, null);
        _ = _cts.CancelAsync();
        return exception;
    }

    /// <summary>The run's one model broker, made on first use and shared by every op that calls a model.</summary>
    public Brokers.ModelBroker Broker => _broker.Value;

    // A project on PostgreSQL is shared by the workers that run on it: their calls are claimed there.
    private Brokers.ClaimStore? SharedRun()
    {
        if (Options.Project is { Backend: Ledgers.PostgresBackend postgres } project)
        {
            _claims = new Brokers.ClaimStore(postgres.Connection, $"{project.Name}/{project.Version}", Options.Sharing);
        }

        return _claims;
    }

    // Claimed once across the workers; the calls this worker makes pass the shared per-minute limits.
    private Brokers.IAnswerSource Shared(Brokers.IAnswerSource live, Brokers.ClaimStore claims, Brokers.BrokerSetup setup) =>
        new Brokers.ClaimedAnswers(new Brokers.SharedLimits(live, claims.Limiter(Options.Sharing.RateWindow), model => setup.For(model).RateLimit), claims);

    public void AddOutput(RunOutput output)
    {
        lock (_outputs)
        {
            _outputs.Add(output);
        }
    }

    public IReadOnlyList<RunOutput> Outputs()
    {
        lock (_outputs)
        {
            return [.. _outputs.OrderBy(o => o.Node)];
        }
    }

    /// <summary>Ends the run's state: disposes the model clients the run made, and stops sending the project's ledger warnings to the run's logger.</summary>
    public void Dispose()
    {
        _ledgerLogs?.Dispose();
        if (_broker.IsValueCreated)
        {
            _broker.Value.Dispose();
        }

        _claims?.Dispose();

        _cts.Dispose();
    }
}
