namespace BatchFactory;

public sealed partial class Graph
{
    /// <summary>
    /// This graph as the body or branch of the composite <paramref name="scope"/> (Repeat, If, …): the same ops, with each
    /// op the user did not name shown as <c>{scope} › {name}</c> in errors, summaries and <see cref="ToString"/>, so they
    /// say where it sits (<c>Repeat › MapField</c>, <c>Repeat › AskLLM › GenerateLLMRequest</c>). Ops named with
    /// <see cref="Op.Named(string)"/> keep their name, and so do sinks, whose name is how outputs are read. The ops stay
    /// the same objects, so <see cref="Wire"/> and <see cref="IndexOf"/> still find the op the user holds.
    /// </summary>
    internal Graph Scoped(string scope)
    {
        var scopes = _scopes;
        foreach (var op in _ops.Where(op => op.OutputPorts > 0 && !op.UserNamed))
        {
            scopes = scopes.SetItem(op, scope + Op.PartSeparator + _scopes.GetValueOrDefault(op, string.Empty));
        }

        return new Graph(_ops, _edges, Head, Tail, scopes);
    }

    /// <summary>The name <paramref name="op"/> goes by in this graph: its <see cref="Op.Name"/> after the composites it sits in.</summary>
    internal string NameOf(Op op) => _scopes.GetValueOrDefault(op, string.Empty) + op.Name;

    /// <summary>The op with its arguments, as <see cref="ToString"/> lists it: after the composites it sits in.</summary>
    internal string DescribeOf(Op op) => _scopes.GetValueOrDefault(op, string.Empty) + op;
}
