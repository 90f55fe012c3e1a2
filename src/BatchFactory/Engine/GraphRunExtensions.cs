using BatchFactory.Engine;

namespace BatchFactory;

/// <summary>Runs graphs: <c>await graph.RunAsync(options)</c>. The engine's side of a <see cref="Graph"/>, which is only a description.</summary>
public static class GraphRunExtensions
{
    /// <summary>
    /// Runs the graph: builds a fresh network of Dataflow blocks from this description, streams every entry
    /// through it (an entry moves on as soon as its op is done with it), and completes when every entry has
    /// left or been dropped.
    /// </summary>
    /// <param name="graph">The graph to run.</param>
    /// <param name="options">How to run; <see langword="null"/> for the defaults of <see cref="RunOptions"/>.</param>
    /// <param name="cancellationToken">Stops the run; the returned task then throws <see cref="OperationCanceledException"/>.</param>
    /// <returns>What the sinks collected and per-op counts.</returns>
    /// <exception cref="GraphException">The graph has a cycle; raised before any entry moves.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range; raised before any entry moves.</exception>
    /// <exception cref="OpException">An op failed; names the op and the entry idx. The rest of the run was stopped.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public static Task<RunResult> RunAsync(this Graph graph, RunOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(graph);
        return GraphRunner.RunAsync(graph, options ?? new RunOptions(), cancellationToken);
    }

    /// <summary>Runs the graph with default options; see <see cref="RunAsync(Graph, RunOptions?, CancellationToken)"/>.</summary>
    /// <param name="graph">The graph to run.</param>
    /// <param name="cancellationToken">Stops the run.</param>
    /// <returns>What the sinks collected and per-op counts.</returns>
    public static Task<RunResult> RunAsync(this Graph graph, CancellationToken cancellationToken) => graph.RunAsync(null, cancellationToken);

    /// <summary>
    /// How the graph would run with <paramref name="options"/>, without running it: its ops grouped into the stages a
    /// run materialises (a fused chain of per-entry ops, a model call with the ops that run in its workers, a loop run
    /// inline, or an op on its own), a stage a line, e.g.
    /// <code>
    /// Run plan (2 stages for 4 ops)
    ///   1. op: [0] FromList
    ///   2. chain: [1] MapField | [2] Filter | [3] ToList
    /// </code>
    /// Node numbers are those of <see cref="Graph.ToString"/>.
    /// </summary>
    /// <param name="graph">The graph to plan.</param>
    /// <param name="options">The options the run would use (<see cref="RunOptions.FuseEntryOps"/> changes the plan); <see langword="null"/> for the defaults.</param>
    /// <returns>A multi-line description.</returns>
    /// <exception cref="GraphException">The graph has a cycle other than the loops of Repeat and While.</exception>
    public static string Explain(this Graph graph, RunOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(graph);
        graph.ValidateForRun();
        return Engine.Plan.RunPlan.Of(graph, options ?? new RunOptions()).ToString();
    }
}
