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
}
