using System.Text;
using BatchFactory.Engine.Kinds;

namespace BatchFactory.Engine.Plan;

/// <summary>
/// How a graph will run: its ops grouped into stages, each materialised as one set of blocks (<see cref="StageBuilder"/>)
/// and linked stage to stage. Planning decides which loops run inline, which ops join a model call, and which ops fuse into
/// a chain (in that order: each op goes to one stage); with <see cref="RunOptions.FuseEntryOps"/> off every op is a stage.
/// </summary>
internal sealed class RunPlan
{
    private readonly Graph _graph;
    private readonly RunOptions _options;

    private RunPlan(Graph graph, IReadOnlyList<Stage> stages, RunOptions options)
    {
        _graph = graph;
        _options = options;
        Stages = stages;
    }

    /// <summary>The stages, in node order of their first op.</summary>
    public IReadOnlyList<Stage> Stages { get; }

    /// <summary>Plans <paramref name="graph"/> with <paramref name="options"/>.</summary>
    public static RunPlan Of(Graph graph, RunOptions options)
    {
        var stages = new List<Stage>();
        if (options.FuseEntryOps)
        {
            var loops = Fusion.FindInlineLoops(graph);
            stages.AddRange(loops.Select(l => new InlineLoopStage(l.Head, l.Body)));
            var taken = loops.SelectMany(l => l.Body).ToHashSet();
            var groups = Fusion.FindModelGroups(graph, taken);
            stages.AddRange(groups.Select(g => new ModelStage(g.Before, g.Model, g.After)));
            taken.UnionWith(groups.SelectMany(g => g.Before.Append(g.Model).Concat(g.After)));
            stages.AddRange(Fusion.FindChains(graph, taken).Select(chain => new ChainStage(chain)));
        }

        var placed = stages.SelectMany(s => s.Nodes).ToHashSet();
        stages.AddRange(Enumerable.Range(0, graph.Nodes.Count).Where(node => !placed.Contains(node)).Select(node => new OpStage(node)));
        return new RunPlan(graph, [.. stages.OrderBy(s => s.Nodes.Min())], options);
    }

    /// <summary>
    /// The plan, a stage a line, e.g.
    /// <code>
    /// Run plan (2 stages for 4 ops)
    ///   1. op: [0] FromList
    ///   2. chain: [1] MapField | [2] Filter | [3] ToList
    /// </code>
    /// </summary>
    public override string ToString()
    {
        var text = new StringBuilder();
        text.Append("Run plan (").Append(Stages.Count).Append(Stages.Count == 1 ? " stage" : " stages")
            .Append(" for ").Append(_graph.Nodes.Count).Append(_graph.Nodes.Count == 1 ? " op)" : " ops)");
        for (var i = 0; i < Stages.Count; i++)
        {
            var stage = Stages[i];
            text.AppendLine().Append("  ").Append(i + 1).Append(". ").Append(stage.Describe).Append(": ");
            text.AppendJoin(" | ", stage.Nodes.Select(node => $"[{node}] {_graph.NameOf(_graph.Nodes[node])}"));
            if (stage is ModelStage { Model: var model } && _graph.Nodes[model] is AsyncEntryOp call)
            {
                text.Append(" (").Append(call.ConcurrencyIn(_options)).Append(" at once)");
            }
        }

        return text.ToString();
    }
}
