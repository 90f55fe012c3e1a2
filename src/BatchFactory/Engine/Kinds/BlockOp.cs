namespace BatchFactory.Engine.Kinds;

/// <summary>
/// The kind every op belongs to: an op the engine can run. It gets what it needs for a run before any entry moves
/// (<see cref="PrepareAsync"/>) and becomes Dataflow blocks of its own (<see cref="Materialize"/>). The per-entry kinds
/// (<see cref="EntryOp"/>, <see cref="AsyncEntryOp"/>, <see cref="SinkOp"/>, <see cref="InlineLoopOp"/>) also offer the
/// run plan the parts it joins into larger stages.
/// </summary>
internal abstract class BlockOp : Op
{
    private protected BlockOp(string kind, int inputPorts, int outputPorts)
        : base(kind, inputPorts, outputPorts)
    {
    }

    /// <summary>
    /// Gets what the op needs for one run (e.g. opens a ledger) before any block is built or any entry moves, so that
    /// configuration errors surface first. Keep what you get in <see cref="OpContext.Prepared"/>.
    /// </summary>
    internal virtual ValueTask PrepareAsync(OpContext context) => ValueTask.CompletedTask;

    /// <summary>Builds this op's Dataflow blocks for one run.</summary>
    internal abstract OpBlocks Materialize(OpContext context);
}
