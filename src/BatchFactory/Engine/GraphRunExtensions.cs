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
    /// What running the graph with <paramref name="options"/> would send to its models and cost, without sending
    /// anything: the graph runs with every request the ledgers cannot serve counted (identical requests once) and
    /// answered by a placeholder (empty text, a one-dimension zero vector) instead of a model, and writes nothing: no
    /// ledger record, output file, checkpoint, dead letter or summary. Tokens are estimated as the per-minute token
    /// limiter does (prompt characters / 4; output <c>MaxOutputTokens</c>, else
    /// <see cref="RateLimitOptions.ExpectedOutputTokens"/>, or <see cref="BatchOptions.ExpectedOutputTokens"/> for ops
    /// in batch or auto mode), and priced with <see cref="RunOptions.Prices"/>, live and through a batch API at half.
    /// </summary>
    /// <remarks>
    /// The first model calls of a graph are counted exactly: a run right after sends those requests. Calls whose
    /// prompts depend on earlier answers (a second AskLLM over the first one's text, a Filter or If on an answer, a
    /// loop until an answer says so) see the placeholders, so their count and tokens are an approximation. Model
    /// names are checked as for a run (<see cref="ModelConfigurationException"/> before anything else).
    /// </remarks>
    /// <param name="graph">The graph to estimate.</param>
    /// <param name="options">The options the run would use (its project's ledgers say what is answered already); <see langword="null"/> for the defaults.</param>
    /// <param name="cancellationToken">Stops the estimate; the returned task then throws <see cref="OperationCanceledException"/>.</param>
    /// <returns>Per op and in total: requests, estimated input and output tokens, live and batch cost.</returns>
    /// <exception cref="GraphException">The graph has a cycle; raised before any entry moves.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    /// <exception cref="OpException">An op failed, e.g. one that cannot take a placeholder answer.</exception>
    public static async Task<CostEstimate> EstimateAsync(this Graph graph, RunOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(graph);
        options ??= new RunOptions();
        options.Validate();
        var estimate = new Brokers.EstimatedAnswers(RunContext.BrokerSetup(options), RunContext.BatchSetup(options));
        await GraphRunner.RunAsync(graph, options, cancellationToken, estimate).ConfigureAwait(false);
        return estimate.Result();
    }

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
