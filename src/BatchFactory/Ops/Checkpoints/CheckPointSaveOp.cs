using System.Threading.Tasks.Dataflow;
using BatchFactory.Engine;
using BatchFactory.Entries.Scopes;
using BatchFactory.Engine.Kinds;

namespace BatchFactory.Operators;

/// <summary>
/// The exit of a checkpoint: an entry that comes out of the body (in-port 0) is appended to the ledger, and passed on
/// only once the ledger has it; an entry restored from the ledger (in-port 1) is passed on as it is. When the run stops
/// (a failure elsewhere, or cancellation), entries that already came out of the body are still saved, so finished work
/// is never lost. In a shared run (<see cref="CheckPointClaims"/>) the entry is stored under this worker's claim first,
/// and appended to the ledger only if the claim was still its own; otherwise the entry becomes the copy of the worker
/// that took it over. An entry the body dropped gives up its claim as it is dropped (<see cref="CheckPointClaims.IntoBody"/>);
/// when the body is done, any claim still held is given up.
/// </summary>
internal sealed class CheckPointSaveOp : CheckPointPart
{
    public CheckPointSaveOp(CheckPointStore store)
        : base("CheckPointSave", 2, 1, store)
    {
    }

    internal override OpBlocks Materialize(OpContext context)
    {
        var ledger = (ILedger)context.Prepared!;
        var claims = Store.ClaimsFor(context);
        var output = new BufferBlock<Entry>(context.Buffer);
        var computed = new ActionBlock<Entry>(
            async entry =>
            {
                context.Counters.AddIn();
                try
                {
                    if (context.Run.Estimating)
                    {
                        // An estimate saves nothing.
                    }
                    else if (claims is not null && await claims.CompleteAsync(entry, Store.RecordText(entry), context.Token).ConfigureAwait(false) is { } theirs)
                    {
                        _ = Store.TryServe(entry, theirs);
                    }
                    else
                    {
                        await Store.SaveAsync(ledger, entry, CancellationToken.None).ConfigureAwait(false);
                    }

                    TripScope.Left(entry);
                }
                catch (Exception ex)
                {
                    throw context.Fail(entry, ex);
                }

                await PassOnAsync(context, output, entry).ConfigureAwait(false);
            },
            context.Draining);
        var served = new ActionBlock<Entry>(
            async entry =>
            {
                context.Counters.AddIn();
                await output.SendAsync(entry, context.Token).ConfigureAwait(false);
                context.Counters.AddOut();
            },
            context.Serial);
        var bodyDone = claims is null ? computed.Completion : ReleaseAfter(computed.Completion, claims);
        OutputPump.CompleteWhenDone(Task.WhenAll(bodyDone, served.Completion), output);
        return new OpBlocks([new DrainingTarget<Entry>(computed), served], [output]);
    }

    private static async Task ReleaseAfter(Task body, CheckPointClaims claims)
    {
        try
        {
            await body.ConfigureAwait(false);
        }
        finally
        {
            await claims.ReleaseRemainingAsync().ConfigureAwait(false);
        }
    }

    // Once the run has stopped, downstream takes nothing more; the entry is saved, which is what matters.
    private static async Task PassOnAsync(OpContext context, ITargetBlock<Entry> output, Entry entry)
    {
        try
        {
            if (await output.SendAsync(entry, context.Token).ConfigureAwait(false))
            {
                context.Counters.AddOut();
            }
        }
        catch (OperationCanceledException) when (context.Token.IsCancellationRequested)
        {
        }
    }
}
