using BatchFactory.Engine.Kinds;

namespace BatchFactory.Engine.Plan;

/// <summary>
/// Materialises each stage of a <see cref="RunPlan"/> for one run: every op of a stage shares the stage's blocks, its
/// first op holding their inputs and its last op their outputs (the ops between hold none).
/// </summary>
internal static class StageBuilder
{
    /// <summary>Each node's blocks, by node index.</summary>
    public static OpBlocks[] Build(RunPlan plan, OpContext[] contexts)
    {
        var blocks = new OpBlocks[contexts.Length];
        foreach (var stage in plan.Stages)
        {
            var built = Build(stage, contexts);
            if (stage.Nodes.Length == 1 || stage is InlineLoopStage)
            {
                blocks[stage.Nodes[0]] = built;
                foreach (var node in stage.Nodes[1..])
                {
                    blocks[node] = new OpBlocks([], []);
                }

                continue;
            }

            blocks[stage.Nodes[0]] = new OpBlocks(built.Inputs, []) { Finishing = built.Finishing };
            blocks[stage.Nodes[^1]] = new OpBlocks([], built.Outputs);
            foreach (var node in stage.Nodes[1..^1])
            {
                blocks[node] = new OpBlocks([], []);
            }
        }

        return blocks;
    }

    private static OpBlocks Build(Stage stage, OpContext[] contexts) => stage switch
    {
        OpStage op => contexts[op.Node].Op.Materialize(contexts[op.Node]),
        ChainStage chain => EntryOp.Materialize([.. chain.Chain.Select(node => contexts[node])]),
        InlineLoopStage loop => ((InlineLoopOp)contexts[loop.Head].Op).MaterializeInline(contexts[loop.Head], [.. loop.Body.Select(node => contexts[node])]),
        ModelStage model => BuildModelStage(model, contexts),
        _ => throw new InvalidOperationException($"No builder for a {stage.GetType().Name}."),
    };

    // A model op with the ops next to it: a sink ending the ops after it keeps what they pass on, in place of an out-port.
    private static OpBlocks BuildModelStage(ModelStage stage, OpContext[] contexts)
    {
        var after = stage.After;
        (Action<Entry> Keep, Func<Task, Task> Publish)? sink = null;
        if (after.Length > 0 && contexts[after[^1]].Op is SinkOp end)
        {
            sink = (end.Step(contexts[after[^1]], out var publish), publish);
            after = after[..^1];
        }

        var model = contexts[stage.Model];
        return ((AsyncEntryOp)model.Op).Materialize(model, Steps(stage.Before), Steps(after), sink);

        Func<Entry, Entry?>[] Steps(IEnumerable<int> nodes) => EntryOp.Steps(nodes.Select(node => contexts[node]));
    }
}
