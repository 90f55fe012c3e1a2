using System.Runtime.ExceptionServices;
using System.Threading.Tasks.Dataflow;
using BatchFactory.Engine.Kinds;

namespace BatchFactory.Engine;

/// <summary>Materialises a graph as Dataflow blocks, runs it to completion and reports the result.</summary>
internal static class GraphRunner
{
    public static async Task<RunResult> RunAsync(Graph graph, RunOptions options, CancellationToken cancellationToken)
    {
        options.Validate();
        graph.ValidateForRun();
        cancellationToken.ThrowIfCancellationRequested();

        using var run = new RunContext(options, cancellationToken);
        var contexts = graph.Nodes.Select((op, node) => new OpContext((BlockOp)op, node, run)).ToArray();
        foreach (var context in contexts)
        {
            await context.Op.PrepareAsync(context).ConfigureAwait(false);
        }

        var loops = options.FuseEntryOps ? Fusion.FindInlineLoops(graph) : [];
        var taken = loops.SelectMany(l => l.Body).ToHashSet();
        var groups = options.FuseEntryOps ? Fusion.FindModelGroups(graph, taken) : [];
        taken.UnionWith(groups.SelectMany(g => g.Before.Append(g.Model).Concat(g.After)));
        var chains = options.FuseEntryOps ? Fusion.FindChains(graph, taken) : [];
        var (blocks, internalWires) = Materialize(contexts, chains, loops, groups);
        var pumpTargets = Link(graph, blocks, internalWires);

        var all = blocks.SelectMany(b => b.All).Distinct().ToList();
        options.OnMaterialized?.Invoke(all);

        await run.Telemetry.StartedAsync(graph, contexts).ConfigureAwait(false);
        try
        {
            await FlowAsync(run, blocks, all, pumpTargets, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            var cancelled = ex is OperationCanceledException && run.Failure is null && cancellationToken.IsCancellationRequested;
            await run.Telemetry.EndAsync(ex, cancelled).ConfigureAwait(false);
            throw;
        }

        return new RunResult(run.Outputs(), await run.Telemetry.EndAsync(null, cancelled: false).ConfigureAwait(false));
    }

    /// <summary>Starts the sources and waits until every block is done; throws how the run failed, if it did.</summary>
    private static async Task FlowAsync(RunContext run, OpBlocks[] blocks, List<IDataflowBlock> all, List<(Func<ITargetBlock<Entry>, Task> Pump, ITargetBlock<Entry> Target)> pumpTargets, CancellationToken cancellationToken)
    {
        var sources = pumpTargets.Select(p => Task.Run(() => p.Pump(p.Target), CancellationToken.None))
            .Concat(blocks.Select(b => b.Finishing).OfType<Task>()).ToList();
        await Task.WhenAll(all.Select(b => b.Completion).Concat(sources)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);

        if (run.Failure is { } failure)
        {
            ExceptionDispatchInfo.Throw(failure);
        }

        cancellationToken.ThrowIfCancellationRequested();
        ThrowIfAnyFaulted(all, sources);
    }

    /// <summary>
    /// Builds every op's blocks. A fused chain, or a model op with the ops it absorbs, becomes one set of blocks: its
    /// first op holds the input, its last op the output. An inline loop becomes one block held by its head, its body
    /// ops none. The wires inside either (returned as source node and out-port) need no link.
    /// </summary>
    private static (OpBlocks[] Blocks, HashSet<(int Node, int Port)> InternalWires) Materialize(OpContext[] contexts, List<int[]> chains, List<(int Head, int[] Body)> loops, List<(int[] Before, int Model, int[] After)> groups)
    {
        var blocks = new OpBlocks?[contexts.Length];
        var internalWires = new HashSet<(int Node, int Port)>();
        foreach (var (head, body) in loops)
        {
            blocks[head] = ((InlineLoopOp)contexts[head].Op).MaterializeInline(contexts[head], [.. body.Select(node => contexts[node])]);
            internalWires.Add((head, 1));
            foreach (var node in body)
            {
                blocks[node] = new OpBlocks([], []);
                internalWires.Add((node, 0));
            }
        }

        foreach (var chain in chains)
        {
            Place(blocks, internalWires, chain, EntryOp.Materialize([.. chain.Select(node => contexts[node])]));
        }

        foreach (var (before, model, after) in groups)
        {
            (Action<Entry> Keep, Func<Task, Task> Publish)? sink = null;
            if (after.Length > 0 && contexts[after[^1]].Op is SinkOp end)
            {
                sink = (end.Step(contexts[after[^1]], out var publish), publish);
            }

            var steps = (IEnumerable<int> nodes) => EntryOp.Steps(nodes.Select(node => contexts[node]));
            var fused = ((AsyncEntryOp)contexts[model].Op).Materialize(contexts[model], steps(before), steps(sink is null ? after : after[..^1]), sink);
            Place(blocks, internalWires, [.. before, model, .. after], fused);
        }

        return ([.. blocks.Select((b, node) => b ?? contexts[node].Op.Materialize(contexts[node]))], internalWires);
    }

    // Gives the blocks of ops run together to the first op (input) and the last (output); the wires between them are internal.
    private static void Place(OpBlocks?[] blocks, HashSet<(int Node, int Port)> internalWires, int[] nodes, OpBlocks fused)
    {
        blocks[nodes[0]] = new OpBlocks(fused.Inputs, []) { Finishing = fused.Finishing };
        blocks[nodes[^1]] = new OpBlocks([], fused.Outputs);
        foreach (var node in nodes[1..^1])
        {
            blocks[node] = new OpBlocks([], []);
        }

        internalWires.UnionWith(nodes[..^1].Select(node => (node, 0)));
    }

    /// <summary>Links every wire; returns each source's pump with the block it feeds (a null target when unwired).</summary>
    private static List<(Func<ITargetBlock<Entry>, Task> Pump, ITargetBlock<Entry> Target)> Link(Graph graph, OpBlocks[] blocks, HashSet<(int Node, int Port)> internalWires)
    {
        var linkOptions = new DataflowLinkOptions { PropagateCompletion = true };
        var wiredIn = new HashSet<(int Node, int Port)>();
        var wiredOut = new HashSet<(int Node, int Port)>();
        var pumpTargets = new Dictionary<int, ITargetBlock<Entry>>();
        foreach (var edge in graph.Edges)
        {
            int source = graph.IndexOf(edge.Source), target = graph.IndexOf(edge.Target);
            if (internalWires.Contains((source, edge.OutPort)))
            {
                continue;
            }

            if (blocks[source].Pump is not null)
            {
                pumpTargets[source] = blocks[target].Inputs[edge.InPort];
            }
            else
            {
                blocks[source].Outputs[edge.OutPort].LinkTo(blocks[target].Inputs[edge.InPort], linkOptions);
            }

            wiredOut.Add((source, edge.OutPort));
            wiredIn.Add((target, edge.InPort));
        }

        for (var node = 0; node < blocks.Length; node++)
        {
            for (var port = 0; port < blocks[node].Inputs.Count; port++)
            {
                if (!wiredIn.Contains((node, port)))
                {
                    blocks[node].Inputs[port].Complete();
                }
            }

            for (var port = 0; port < blocks[node].Outputs.Count; port++)
            {
                if (!wiredOut.Contains((node, port)))
                {
                    blocks[node].Outputs[port].LinkTo(DiscardTarget.Instance);
                }
            }
        }

        return [.. blocks.Select((b, node) => (b.Pump, node))
            .Where(p => p.Pump is not null)
            .Select(p => (p.Pump!, pumpTargets.GetValueOrDefault(p.node) ?? DataflowBlock.NullTarget<Entry>()))];
    }

    // A fault not recorded through an OpContext is a bug in an op; surface it rather than return a partial result.
    private static void ThrowIfAnyFaulted(IEnumerable<IDataflowBlock> blocks, IEnumerable<Task> sources)
    {
        var fault = blocks.Select(b => b.Completion).Concat(sources).FirstOrDefault(t => t.IsFaulted);
        if (fault?.Exception is { } aggregate)
        {
            ExceptionDispatchInfo.Throw(aggregate.GetBaseException());
        }
    }
}
