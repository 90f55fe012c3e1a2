using BatchFactory.Engine;

namespace BatchFactory;

public sealed partial class Graph
{
    /// <summary>
    /// Runs the graph: builds a fresh network of Dataflow blocks from this description, streams every entry
    /// through it (an entry moves on as soon as its op is done with it), and completes when every entry has
    /// left or been dropped.
    /// </summary>
    /// <param name="options">How to run; <see langword="null"/> for the defaults of <see cref="RunOptions"/>.</param>
    /// <param name="cancellationToken">Stops the run; the returned task then throws <see cref="OperationCanceledException"/>.</param>
    /// <returns>What the sinks collected and per-op counts.</returns>
    /// <exception cref="GraphException">The graph has a cycle; raised before any entry moves.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range; raised before any entry moves.</exception>
    /// <exception cref="OpException">An op failed; names the op and the entry idx. The rest of the run was stopped.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public Task<RunResult> RunAsync(RunOptions? options = null, CancellationToken cancellationToken = default) =>
        GraphRunner.RunAsync(this, options ?? new RunOptions(), cancellationToken);

    /// <summary>Runs the graph with default options; see <see cref="RunAsync(RunOptions?, CancellationToken)"/>.</summary>
    /// <param name="cancellationToken">Stops the run.</param>
    /// <returns>What the sinks collected and per-op counts.</returns>
    public Task<RunResult> RunAsync(CancellationToken cancellationToken) => RunAsync(null, cancellationToken);

    /// <summary>Checks what can only be checked on the whole graph: no cycles other than the loops of Repeat and While.</summary>
    internal void ValidateForRun()
    {
        var edges = _edges.Where(e => !e.Target.IsLoopBack(e.InPort)).ToList();
        var indegree = new int[_ops.Length];
        foreach (var edge in edges)
        {
            indegree[IndexOf(edge.Target)]++;
        }

        var ready = new Queue<int>(Enumerable.Range(0, _ops.Length).Where(i => indegree[i] == 0));
        var visited = 0;
        while (ready.TryDequeue(out var node))
        {
            visited++;
            foreach (var edge in edges.Where(e => e.Source == _ops[node]))
            {
                var target = IndexOf(edge.Target);
                if (--indegree[target] == 0)
                {
                    ready.Enqueue(target);
                }
            }
        }

        if (visited < _ops.Length)
        {
            var inCycle = Enumerable.Range(0, _ops.Length).Where(i => indegree[i] > 0).Select(i => $"[{i}] {_ops[i]}");
            throw new GraphException(
                $"The graph has a cycle through {string.Join(", ", inCycle)}. Wires must not loop back; " +
                "loop with Repeat or While, which track the entries going round.");
        }
    }
}
