namespace BatchFactory.Engine.Plan;

/// <summary>
/// One part of a run plan: ops a run materialises together as one set of Dataflow blocks. Its first node holds the
/// input of the stage, its last node the output; the wires between its nodes need no link.
/// </summary>
/// <param name="Nodes">The stage's nodes, in the order an entry goes through them.</param>
internal abstract record Stage(int[] Nodes)
{
    /// <summary>The wires inside the stage, as source node and out-port.</summary>
    public virtual IEnumerable<(int Node, int Port)> InternalWires => Nodes[..^1].Select(node => (node, 0));

    /// <summary>What the stage is, for <see cref="RunPlan.ToString"/>: e.g. <c>chain</c>.</summary>
    public abstract string Describe { get; }
}

/// <summary>An op on its own, as its own blocks.</summary>
internal sealed record OpStage(int Node) : Stage([Node])
{
    public override string Describe => "op";
}

/// <summary>Per-entry ops one after another (possibly ending in a sink), run in one block: no hand-off between them.</summary>
internal sealed record ChainStage(int[] Chain) : Stage(Chain)
{
    public override string Describe => "chain";
}

/// <summary>A model op with the per-entry ops before and after it that run in its own workers.</summary>
internal sealed record ModelStage(int[] Before, int Model, int[] After) : Stage([.. Before, Model, .. After])
{
    public override string Describe => "model call";
}

/// <summary>A loop whose body is a chain of per-entry ops, run inside its head's block: each entry goes all its rounds in one go.</summary>
internal sealed record InlineLoopStage(int Head, int[] Body) : Stage([Head, .. Body])
{
    /// <summary>The head's way into the body and each body op's out-port; the head holds input and output alike.</summary>
    public override IEnumerable<(int Node, int Port)> InternalWires => Body.Select(node => (node, 0)).Prepend((Head, 1));

    public override string Describe => "inline loop";
}
