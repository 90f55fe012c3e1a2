namespace BatchFactory.Demos;

/// <summary>One run of a demo: its options and project folder, and a way to run graphs in it that keeps their results.</summary>
public sealed class DemoRun
{
    private readonly TextWriter _output;
    private readonly CancellationToken _cancellationToken;
    private readonly CancellationToken _stopToken;
    private readonly List<RunResult> _results = [];

    internal DemoRun(DemoOptions options, ProjectFolder project, TextWriter output, CancellationToken cancellationToken, CancellationToken stopToken = default)
    {
        Options = options;
        Project = project;
        _output = output;
        _cancellationToken = cancellationToken;
        _stopToken = stopToken;
    }

    /// <summary>The demo's options.</summary>
    public DemoOptions Options { get; }

    /// <summary>The demo's open project folder.</summary>
    public ProjectFolder Project { get; }

    /// <summary>The model chosen for the demo.</summary>
    public string Model => Options.Model;

    /// <summary>Where the demo prints.</summary>
    public TextWriter Output => _output;

    /// <summary>The results of the graphs run so far.</summary>
    public IReadOnlyList<RunResult> Results => _results;

    /// <summary>
    /// Prints the graph and how it will run (its run plan), then runs it with the project folder and the console progress view (a live table in a
    /// terminal, status lines otherwise); printing ops write to the demo's output.
    /// </summary>
    /// <remarks>With <c>--estimate</c> it prints the graph's <see cref="CostEstimate"/> instead, and the demo ends there.</remarks>
    /// <param name="graph">The graph.</param>
    /// <returns>The run's result.</returns>
    public async Task<RunResult> RunAsync(Graph graph)
    {
        ArgumentNullException.ThrowIfNull(graph);
        if (Options.Estimate)
        {
            var estimate = await graph.EstimateAsync(new RunOptions { Project = Project }, _cancellationToken);
            await _output.WriteLineAsync(graph.ToString());
            await _output.WriteLineAsync(estimate.ToString());
            throw new DemoEstimated();
        }

        var toConsole = ReferenceEquals(_output, Console.Out);
        using var monitor = ConsoleProgress.Create(new ConsoleProgressOptions { Output = toConsole ? null : _output });
        var options = new RunOptions { Project = Project, Output = _output, Monitor = monitor, StopToken = _stopToken };
        await _output.WriteLineAsync(graph.ToString());
        await _output.WriteLineAsync(graph.Explain(options));
        var result = await graph.RunAsync(options, _cancellationToken);
        _results.Add(result);
        return result;
    }
}
