using BatchFactory.Operators;

namespace BatchFactory.Engine;

/// <summary>
/// Finds chains of per-entry ops wired one after another (MapField | Filter | SetField …, possibly ending in a sink
/// such as ToList), which a run executes in one Dataflow block: handing an entry from block to block costs far more
/// than the ops themselves.
/// </summary>
internal static class Fusion
{
    /// <summary>Every maximal chain of an entry op followed by one or more entry ops or a sink, as node indexes from first to last.</summary>
    public static List<int[]> FindChains(Graph graph)
    {
        var count = graph.Ops.Count;
        var next = Enumerable.Repeat(-1, count).ToArray();
        var hasPrevious = new bool[count];
        foreach (var edge in graph.Edges)
        {
            if (edge.Source is EntryOp && edge.Target is EntryOp or SinkOp)
            {
                int source = graph.IndexOf(edge.Source), target = graph.IndexOf(edge.Target);
                next[source] = target;
                hasPrevious[target] = true;
            }
        }

        var chains = new List<int[]>();
        for (var node = 0; node < count; node++)
        {
            if (graph.Ops[node] is not EntryOp || hasPrevious[node] || next[node] < 0)
            {
                continue;
            }

            var chain = new List<int> { node };
            while (next[chain[^1]] >= 0)
            {
                chain.Add(next[chain[^1]]);
            }

            chains.Add([.. chain]);
        }

        return chains;
    }
}
