namespace BatchFactory.Engine;

/// <summary>
/// The state of one run: its cancellation, its first failure and the outputs its sinks produced.
/// Made fresh for every run, so a graph can run any number of times.
/// </summary>
internal sealed class RunContext : IDisposable
{
    private readonly CancellationTokenSource _cts;
    private readonly List<RunOutput> _outputs = [];
    private readonly System.Collections.Concurrent.ConcurrentDictionary<Type, object> _services = new();
    private Exception? _failure;

    public RunContext(RunOptions options, CancellationToken cancellationToken)
    {
        Options = options;
        Telemetry = new Events.RunTelemetry(options);
        _cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
    }

    public RunOptions Options { get; }

    /// <summary>The run's events, logs, failures and summary.</summary>
    public Events.RunTelemetry Telemetry { get; }

    /// <summary>The run's token: cancelled when the user asked to stop or an op failed. Every block uses it.</summary>
    public CancellationToken Token => _cts.Token;

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

    /// <summary>The run's one instance of <typeparamref name="T"/>, made on first use (state shared by several ops, e.g. in-flight LLM calls).</summary>
    public T Service<T>(Func<T> create)
        where T : class => (T)_services.GetOrAdd(typeof(T), static (_, make) => make(), create);

    /// <summary>The run's one instance of <typeparamref name="T"/>, made on first use from <paramref name="argument"/> (no closure per call).</summary>
    public T Service<T, TArgument>(TArgument argument, Func<TArgument, T> create)
        where T : class => (T)_services.GetOrAdd(typeof(T), static (_, state) => state.create(state.argument)!, (argument, create));

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

    /// <summary>Ends the run's state: disposes the services that need it (e.g. the model clients the run made).</summary>
    public void Dispose()
    {
        foreach (var service in _services.Values.OfType<IDisposable>())
        {
            service.Dispose();
        }

        _cts.Dispose();
    }
}
