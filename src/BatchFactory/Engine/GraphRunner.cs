using System.Runtime.ExceptionServices;
using System.Threading.Tasks.Dataflow;
using BatchFactory.Engine.Kinds;
using BatchFactory.Engine.Plan;

namespace BatchFactory.Engine;

/// <summary>Plans a graph (<see cref="RunPlan"/>), materialises its stages, links them, runs it to completion and reports the result.</summary>
internal static class GraphRunner
{
    /// <summary>Runs <paramref name="graph"/>; with <paramref name="estimate"/>, a run that only counts its model requests there (see <see cref="RunContext"/>).</summary>
    public static async Task<RunResult> RunAsync(Graph graph, RunOptions options, CancellationToken cancellationToken, Brokers.EstimatedAnswers? estimate = null)
    {
        options.Validate();
        graph.ValidateForRun();
        cancellationToken.ThrowIfCancellationRequested();
        if (options.JsonTypeInfoResolver is { } contracts)
        {
            JsonFieldCodec.Contracts.Add(contracts);
        }

        using var run = new RunContext(options, cancellationToken, estimate);
        var contexts = graph.Nodes.Select((op, node) => new OpContext((BlockOp)op, node, run, graph.NameOf(op), graph.DescribeOf(op))).ToArray();
        foreach (var context in contexts)
        {
            await context.Op.PrepareAsync(context).ConfigureAwait(false);
            if (context.Prepared is Brokers.CallSite site)
            {
                estimate?.Expect(site);
            }
        }

        var plan = RunPlan.Of(graph, options);
        var blocks = StageBuilder.Build(plan, contexts);
        var pumpTargets = Link(graph, blocks, plan.Stages.SelectMany(s => s.InternalWires).ToHashSet());

        var all = blocks.SelectMany(b => b.All).Distinct().ToList();
        options.OnMaterialized?.Invoke(all);

        using var span = Telemetry.RunSpan.Start(graph);
        await run.Telemetry.StartedAsync(graph, contexts).ConfigureAwait(false);
        try
        {
            await FlowAsync(run, blocks, all, pumpTargets, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            var cancelled = ex is OperationCanceledException && run.Failure is null && cancellationToken.IsCancellationRequested;
            Telemetry.RunSpan.End(span, await run.Telemetry.EndAsync(ex, cancelled).ConfigureAwait(false));
            throw;
        }

        var result = new RunResult(run.Outputs(), await run.Telemetry.EndAsync(null, cancelled: false).ConfigureAwait(false));
        Telemetry.RunSpan.End(span, result.Summary);
        if (options.ThrowOnFailures && result.Summary.Status == RunStatus.CompletedWithFailures)
        {
            throw new RunFailuresException(result);
        }

        return result;
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
