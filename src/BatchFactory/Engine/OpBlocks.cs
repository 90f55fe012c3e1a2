using System.Threading.Tasks.Dataflow;

namespace BatchFactory.Engine;

/// <summary>The Dataflow blocks one op became for one run: one target per in-port, one source per out-port.</summary>
internal sealed class OpBlocks
{
    public OpBlocks(IReadOnlyList<ITargetBlock<Entry>> inputs, IReadOnlyList<ISourceBlock<Entry>> outputs)
    {
        Inputs = inputs;
        Outputs = outputs;
        All = [.. inputs.Concat<IDataflowBlock>(outputs).Distinct()];
    }

    /// <summary>The target block of each in-port, by port number.</summary>
    public IReadOnlyList<ITargetBlock<Entry>> Inputs { get; }

    /// <summary>The source block of each out-port, by port number.</summary>
    public IReadOnlyList<ISourceBlock<Entry>> Outputs { get; }

    /// <summary>Every block of the op, each once; the run waits for all of them.</summary>
    public IReadOnlyList<IDataflowBlock> All { get; }

    /// <summary>
    /// For a source: the work that pushes its entries straight into the block wired to its out-port 0 (no buffer
    /// in between), and completes that block when done. Started once the whole network is linked.
    /// </summary>
    public Func<ITargetBlock<Entry>, Task>? Pump { get; init; }

    /// <summary>Work that ends after the blocks complete (e.g. a sink publishing its output); the run waits for it.</summary>
    public Task? Finishing { get; init; }
}
