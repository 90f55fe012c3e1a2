namespace BatchFactory;

public sealed partial class Graph
{
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
