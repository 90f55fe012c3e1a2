using BatchFactory.Engine.Kinds;

namespace BatchFactory.Engine.Plan;

/// <summary>
/// Finds chains of per-entry ops wired one after another (MapField | Filter | SetField …, possibly ending in a sink
/// such as ToList), which a run executes in one Dataflow block: handing an entry from block to block costs far more
/// than the ops themselves.
/// </summary>
internal static class Fusion
{
    /// <summary>
    /// Every maximal chain of an entry op followed by one or more entry ops or a sink, as node indexes from first to
    /// last, leaving out the nodes in <paramref name="taken"/> (bodies of inline loops).
    /// </summary>
    public static List<int[]> FindChains(Graph graph, IReadOnlySet<int> taken)
    {
        var count = graph.Nodes.Count;
        var next = Enumerable.Repeat(-1, count).ToArray();
        var hasPrevious = new bool[count];
        foreach (var edge in graph.Edges)
        {
            int source = graph.IndexOf(edge.Source), target = graph.IndexOf(edge.Target);
            if (edge.Source is EntryOp && edge.Target is EntryOp or SinkOp && !taken.Contains(source) && !taken.Contains(target))
            {
                next[source] = target;
                hasPrevious[target] = true;
            }
        }

        var chains = new List<int[]>();
        for (var node = 0; node < count; node++)
        {
            if (graph.Nodes[node] is not EntryOp || hasPrevious[node] || next[node] < 0)
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

    /// <summary>
    /// Every loop whose body is a chain of entry ops (or empty), which a run executes inside the loop head's block:
    /// each entry goes all its rounds in one go, with no hand-off per round. Returns each head's node and its body's
    /// nodes in order.
    /// </summary>
    public static List<(int Head, int[] Body)> FindInlineLoops(Graph graph)
    {
        var loops = new List<(int Head, int[] Body)>();
        foreach (var head in graph.Nodes.OfType<InlineLoopOp>())
        {
            var body = new List<int>();
            var next = Follow(graph, head, 1);
            while (next is { Target: EntryOp op, InPort: 0 })
            {
                body.Add(graph.IndexOf(op));
                next = Follow(graph, op, 0);
            }

            if (next is { } back && back.Target == head && back.InPort == 1)
            {
                loops.Add((graph.IndexOf(head), [.. body]));
            }
        }

        return loops;
    }

    /// <summary>
    /// Every op that serves entries from a store (CallLLM, EmbedText) with the per-entry ops right before and after it
    /// that are safe to run on several workers at once (<see cref="EntryOp.SafeInParallel"/>: GenerateLLMRequest from a
    /// template, ExtractResponseText, CleanupLLMData …), and a sink ending the chain after it. A run executes each
    /// group in the model op's own stages, so an answer from the ledger goes from request to output with no hand-off.
    /// Returns the nodes of each group before the model op, the model op's node, and the nodes after it; groups with
    /// nothing to absorb are left out. An op between two model ops goes with only one of them; ops in <paramref name="taken"/>
    /// (bodies of inline loops) go with none.
    /// </summary>
    public static List<(int[] Before, int Model, int[] After)> FindModelGroups(Graph graph, IReadOnlySet<int> taken)
    {
        var groups = new List<(int[] Before, int Model, int[] After)>();
        var claimed = new HashSet<int>(taken);
        foreach (var model in graph.Nodes.OfType<AsyncEntryOp>())
        {
            var before = new List<int>();
            for (var edge = Into(graph, model); edge is { Source: EntryOp { SafeInParallel: true } op } && !claimed.Contains(graph.IndexOf(op)); edge = Into(graph, op))
            {
                before.Insert(0, graph.IndexOf(op));
            }

            var after = new List<int>();
            var next = Follow(graph, model, 0);
            while (next is { Target: EntryOp { SafeInParallel: true } or SinkOp } edge && !claimed.Contains(graph.IndexOf(edge.Target)))
            {
                after.Add(graph.IndexOf(edge.Target));
                next = edge.Target is SinkOp ? null : Follow(graph, edge.Target, 0);
            }

            if (before.Count + after.Count > 0)
            {
                claimed.UnionWith(before.Concat(after));
                groups.Add(([.. before], graph.IndexOf(model), [.. after]));
            }
        }

        return groups;
    }

    private static Edge? Into(Graph graph, Op target) =>
        graph.Edges.FirstOrDefault(e => e.Target == target && e.InPort == 0);

    private static Edge? Follow(Graph graph, Op source, int outPort) =>
        graph.Edges.FirstOrDefault(e => e.Source == source && e.OutPort == outPort);
}
