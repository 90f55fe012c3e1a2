using System.Threading.Tasks.Dataflow;
using BatchFactory.Engine;
using BatchFactory.Engine.Kinds;

namespace BatchFactory.Operators;

/// <summary>
/// The entrance of a checkpoint: an entry whose (idx, rev) is in the checkpoint's ledger is restored from it and sent
/// to out-port 1, which skips the checkpoint's body; any other entry goes to out-port 0, into the body.
/// </summary>
internal sealed class CheckPointLookupOp : CheckPointPart
{
    public CheckPointLookupOp(CheckPointStore store)
        : base("CheckPoint", 1, 2, store)
    {
    }

    internal override OpBlocks Materialize(OpContext context)
    {
        var ledger = (ILedger)context.Prepared!;
        BufferBlock<Entry> toBody = new(context.Buffer), served = new(context.Buffer);
        var input = new ActionBlock<Entry>(
            async entry =>
            {
                context.Counters.AddIn();
                bool fromLedger;
                try
                {
                    fromLedger = await ledger.TryGetAsync(Store.KeyOf(entry), context.Token).ConfigureAwait(false) is { } stored
                        && Store.TryServe(entry, stored);
                }
                catch (Exception ex)
                {
                    throw context.Fail(entry, ex);
                }

                await (fromLedger ? served : toBody).SendAsync(entry, context.Token).ConfigureAwait(false);
                context.Counters.AddOut();
            },
            context.PerEntry);
        OutputPump.CompleteWhenDone(input.Completion, toBody, served);
        return new OpBlocks([input], [toBody, served]);
    }
}
