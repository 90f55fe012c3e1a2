using BatchFactory.Engine;
using BatchFactory.Engine.Kinds;

namespace BatchFactory.Operators;

/// <summary>What both halves of a checkpoint have: the shared store, the description, and getting the ledger before the run.</summary>
internal abstract class CheckPointPart : BlockOp
{
    private protected CheckPointPart(string kind, int inputPorts, int outputPorts, CheckPointStore store)
        : base(kind, inputPorts, outputPorts)
    {
        Store = store;
    }

    protected CheckPointStore Store { get; }

    internal override async ValueTask PrepareAsync(OpContext context) => context.Prepared = await Store.LedgerAsync(context).ConfigureAwait(false);

    private protected override string Describe() => Store.Describe();
}
