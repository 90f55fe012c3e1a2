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
    private readonly Lazy<Brokers.ClaimStore?> _claims;
    private Brokers.BatchAnswers? _batches;

    /// <summary>A run; with <paramref name="estimate"/>, one that only estimates: its model requests are counted there and answered with placeholders, and it writes no ledger, output file, dead letter or summary.</summary>
    public RunContext(RunOptions options, CancellationToken cancellationToken, Brokers.EstimatedAnswers? estimate = null)
    {
        Options = options;
        Estimate = estimate;
        DeadLetters = new(discard: estimate is not null);
        Telemetry = new Telemetry.RunTelemetry(options);
        Telemetry.Batches = () => Batches;
        Telemetry.WritesSummary = estimate is null;
        _cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        _ledgerLogs = options is { Project: { } project, LoggerFactory: { } loggers } ? project.LogLedgersTo(loggers) : null;
        _claims = new(() => estimate is null ? SharedRun() : null);
        _broker = new(() =>
        {
            var setup = BrokerSetup(options);
            if (estimate is not null)
            {
                return new Brokers.ModelBroker(setup, Telemetry, Telemetry.Secrets, estimate, keepsAnswers: false);
            }

            var claims = Claims;
            return new Brokers.ModelBroker(claims is null ? setup : Brokers.SharedLimits.PerWorker(setup), Telemetry, Telemetry.Secrets, around: live => Around(live, claims, setup));
        });
    }

    public RunOptions Options { get; }

    /// <summary>Where an estimating run counts its requests; <see langword="null"/> in a real run.</summary>
    public Brokers.EstimatedAnswers? Estimate { get; }

    /// <summary>Whether the run only estimates (<see cref="Estimate"/>): ops write no files and no ledgers.</summary>
    public bool Estimating => Estimate is not null;

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

    /// <summary>The run's dead-letter files (<c>failed/&lt;op&gt;.jsonl</c> in the project), closed when the run ends.</summary>
    public Reporting.DeadLetters DeadLetters { get; }

    /// <summary>The run's check of model names against the providers' model lists, each list asked once per run.</summary>
    public Brokers.ModelCatalog Catalog { get; } = new();

    /// <summary>The run's one model broker, made on first use and shared by every op that calls a model.</summary>
    public Brokers.ModelBroker Broker => _broker.Value;

    /// <summary>
    /// The claims of a shared run (a project on PostgreSQL, shared by the workers that run on it): model calls and
    /// checkpoint bodies are claimed there. <see langword="null"/> on any other project, or none, and in an estimate.
    /// </summary>
    public Brokers.ClaimStore? Claims => _claims.Value;

    private Brokers.ClaimStore? SharedRun() => Options.Project is { Backend: Ledgers.PostgresBackend postgres } project
        ? new Brokers.ClaimStore(postgres.Connection, $"{project.Name}/{project.Version}", Options.Sharing, project.DurableLedgers)
        : null;

    // Live calls (which pass the per-minute limits shared across the workers of a shared run), inside batches (which
    // send some requests live), inside the claims of a shared run: a request is claimed once across the workers before
    // it is sent either way.
    private Brokers.IAnswerSource Around(Brokers.IAnswerSource live, Brokers.ClaimStore? claims, Brokers.BrokerSetup setup)
    {
        var sent = claims is null ? live : new Brokers.SharedLimits(live, claims.Limiter(Options.Sharing.RateWindow), model => setup.For(model).RateLimit);
        _batches = new Brokers.BatchAnswers(sent, BatchSetup(Options));
        return claims is null ? _batches : new Brokers.ClaimedAnswers(_batches, claims, setup.Time);
    }

    /// <summary>The run's batches, once a model was called; <see langword="null"/> before.</summary>
    public Brokers.BatchReport? Batches => _broker.IsValueCreated ? _batches?.Report : null;

    /// <summary>Submits the batch files still open (an op sending batch requests has taken in all its entries).</summary>
    public void FlushBatches()
    {
        if (_broker.IsValueCreated)
        {
            _batches?.Flush();
        }
    }

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
        DeadLetters.Dispose();
        if (_broker.IsValueCreated)
        {
            _batches?.Dispose();
            _broker.Value.Dispose();
        }

        if (_claims.IsValueCreated)
        {
            _claims.Value?.Dispose();
        }

        _cts.Dispose();
    }

    /// <summary>The broker's models, options, prices and clock, from the run's options.</summary>
    public static Brokers.BrokerSetup BrokerSetup(RunOptions options) =>
        Brokers.BrokerSetup.Of(options.Models, options.Broker, options.BrokerFor, options.Prices, options.TimeProvider) with { TraceContent = options.TraceContent };

    /// <summary>
    /// The run's batch options and where batches go: files to the project's <c>batches/</c> folder and records to its
    /// batches ledger; without a project, to a temporary folder, with no record (a later run cannot resume them).
    /// </summary>
    public static Brokers.BatchSetup BatchSetup(RunOptions options) => new(
        options.Models,
        options.Batch,
        options.BatchFor,
        options.TimeProvider,
        options.Project?["batches"],
        options.Project is { } project ? cancellationToken => project.OpenLedgerAsync("batches", cancellationToken) : null,
        options.Project?.Backend is Ledgers.PostgresBackend,
        options.Project is { } answers ? answers.OpenLedgerAsync : null);
}
