using System.Threading.Tasks.Dataflow;
using BatchFactory.Engine;
using BatchFactory.Engine.Kinds;

namespace BatchFactory.Operators;

/// <summary>
/// The entrance of a checkpoint: an entry whose (idx, rev) is in the checkpoint's ledger is restored from it and sent
/// to out-port 1, which skips the checkpoint's body; any other entry goes to out-port 0, into the body. In a shared run
/// (<see cref="CheckPointClaims"/>) an entry goes into the body only once this worker claimed it; an entry another
/// worker claimed waits for that worker's stored copy, outside the per-entry parallelism (so waiting entries never
/// keep this worker from taking others).
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
        var claims = Store.ClaimsFor(context);
        BufferBlock<Entry> toBody = new(context.Buffer), served = new(context.Buffer);
        var input = new ActionBlock<Entry>(
            async entry =>
            {
                context.Counters.AddIn();
                bool fromLedger;
                try
                {
                    var stored = claims is null
                        ? await ledger.TryGetAsync(Store.KeyOf(entry), context.Token).ConfigureAwait(false)
                        : await claims.OneAtATimeAsync(() => ledger.TryGetAsync(Store.KeyOf(entry), context.Token).AsTask(), context.Token).ConfigureAwait(false);
                    fromLedger = stored is not null && Store.TryServe(entry, stored);
                    if (!fromLedger && claims is not null)
                    {
                        fromLedger = await claims.ClaimOrWaitAsync(entry, context.Token).ConfigureAwait(false) is { } theirs
                            && Store.TryServe(entry, theirs);
                        if (!fromLedger)
                        {
                            claims.IntoBody(entry);
                        }
                    }
                }
                catch (Exception ex)
                {
                    throw context.Fail(entry, ex);
                }

                await (fromLedger ? served : toBody).SendAsync(entry, context.Token).ConfigureAwait(false);
                context.Counters.AddOut();
            },
            claims is null ? context.PerEntry : Waiting(context.PerEntry));
        OutputPump.CompleteWhenDone(input.Completion, toBody, served);
        return new OpBlocks([input], [toBody, served]);
    }

    // Entries waiting for another worker hold no thread; the block's capacity still bounds how many are taken in.
    private static ExecutionDataflowBlockOptions Waiting(ExecutionDataflowBlockOptions perEntry) => new()
    {
        MaxDegreeOfParallelism = DataflowBlockOptions.Unbounded,
        BoundedCapacity = perEntry.BoundedCapacity,
        EnsureOrdered = false,
        CancellationToken = perEntry.CancellationToken,
    };
}
