using BatchFactory.Progress;

namespace BatchFactory;

/// <summary>
/// One run of a console program inside <see cref="ConsoleRunner.RunAsync"/>: its options and open project folder, and
/// a way to run graphs in it that shows their progress and keeps their results for the summary.
/// </summary>
public sealed class ConsoleRun
{
    private readonly CancellationToken _cancellationToken;
    private readonly CancellationToken _stopToken;
    private readonly List<RunResult> _results = [];

    internal ConsoleRun(ConsoleRunOptions options, ProjectFolder project, TextWriter output, CancellationToken cancellationToken, CancellationToken stopToken)
    {
        Options = options;
        Project = project;
        Output = output;
        _cancellationToken = cancellationToken;
        _stopToken = stopToken;
    }

    /// <summary>The program's options.</summary>
    public ConsoleRunOptions Options { get; }

    /// <summary>The open project folder; <see cref="ConsoleRunner.RunAsync"/> disposes it.</summary>
    public ProjectFolder Project { get; }

    /// <summary>The model chosen (<see cref="ConsoleRunOptions.Model"/>).</summary>
    public string Model => Options.Model;

    /// <summary>Where the program prints.</summary>
    public TextWriter Output { get; }

    /// <summary>The results of the graphs run so far, in order.</summary>
    public IReadOnlyList<RunResult> Results => _results;

    /// <summary>
    /// Prints the graph and how it will run (its run plan), then runs it with the project folder and the console
    /// progress view (a live table in a terminal, status lines otherwise); printing ops write to <see cref="Output"/>.
    /// Ctrl+C stops it gracefully, a second Ctrl+C at once.
    /// </summary>
    /// <remarks>
    /// With <see cref="ConsoleRunOptions.Estimate"/> it prints the graph's <see cref="CostEstimate"/> instead, and the
    /// program ends there: <see cref="ConsoleRunner.RunAsync"/> returns 0 without running anything more.
    /// </remarks>
    /// <param name="graph">The graph.</param>
    /// <param name="models">
    /// Where the model settings come from: its <see cref="RunOptions.Models"/>, <see cref="RunOptions.Broker"/>,
    /// <see cref="RunOptions.BrokerFor"/>, <see cref="RunOptions.Batch"/>, <see cref="RunOptions.BatchFor"/> and
    /// <see cref="RunOptions.Prices"/> are used (e.g. a YAML pipeline's <c>PipelineFile.ReadRunOptions()</c>); the
    /// rest is the console run's. Default <see langword="null"/>: the defaults of <see cref="RunOptions"/>.
    /// </param>
    /// <returns>The run's result.</returns>
    public async Task<RunResult> RunAsync(Graph graph, RunOptions? models = null)
    {
        ArgumentNullException.ThrowIfNull(graph);
        models ??= new RunOptions();
        if (Options.Estimate)
        {
            var estimate = await graph.EstimateAsync(OptionsFor(models, monitor: null), _cancellationToken).ConfigureAwait(false);
            await Output.WriteLineAsync(graph.ToString()).ConfigureAwait(false);
            await Output.WriteLineAsync(estimate.ToString()).ConfigureAwait(false);
            throw new RunEstimated();
        }

        var toConsole = ReferenceEquals(Output, Console.Out);
        using var monitor = ConsoleProgress.Create(new ConsoleProgressOptions { Output = toConsole ? null : Output });
        var options = OptionsFor(models, monitor);
        await Output.WriteLineAsync(graph.ToString()).ConfigureAwait(false);
        await Output.WriteLineAsync(graph.Explain(options)).ConfigureAwait(false);
        var result = await graph.RunAsync(options, _cancellationToken).ConfigureAwait(false);
        _results.Add(result);
        return result;
    }

    // The run's options: this console run's project, output and stop, the model settings of `models`.
    private RunOptions OptionsFor(RunOptions models, RunMonitor? monitor) => new()
    {
        Project = Project,
        Output = Output,
        Monitor = monitor,
        StopToken = _stopToken,
        Models = models.Models,
        Broker = models.Broker,
        BrokerFor = models.BrokerFor,
        Batch = models.Batch,
        BatchFor = models.BatchFor,
        Prices = models.Prices,
    };
}
