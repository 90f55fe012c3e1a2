namespace BatchFactory;

public sealed partial class Graph
{
    /// <summary>
    /// A copy of this graph, as the body or branch of the composite <paramref name="scope"/> (Repeat, If, …), in which each
    /// op the user did not name is named <c>{scope} › {name}</c>, so errors and summaries say where it sits
    /// (<c>Repeat › MapField</c>, <c>Repeat › AskLLM › GenerateLLMRequest</c>). Ops named with
    /// <see cref="Op.Named(string)"/> keep their name, and so do sinks, whose name is how outputs are read.
    /// </summary>
    internal Graph Scoped(string scope)
    {
        var copies = new Dictionary<Op, Op>(ReferenceEqualityComparer.Instance);
        foreach (var op in _ops)
        {
            var named = op.OutputPorts > 0 && (op.Name == op.Kind || op.Name.Contains(Op.PartSeparator, StringComparison.Ordinal));
            copies[op] = named ? op.Named(scope + Op.PartSeparator + op.Name) : op;
        }

        return new Graph(
            [.. _ops.Select(op => copies[op])],
            [.. _edges.Select(e => e with { Source = copies[e.Source], Target = copies[e.Target] })],
            Head is null ? null : copies[Head],
            Tail is null ? null : copies[Tail]);
    }
}
