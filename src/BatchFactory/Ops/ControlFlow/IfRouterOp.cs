using System.Threading.Tasks.Dataflow;
using BatchFactory.Engine;
using BatchFactory.Engine.Kinds;

namespace BatchFactory.Operators;

/// <summary>Sends each entry to out-port 0 when the predicate holds (the then branch), else to out-port 1 (the else branch).</summary>
internal sealed class IfRouterOp(Func<Entry, bool> predicate, string describe) : BlockOp("If", 1, 2)
{
    private protected override string Describe() => describe;

    internal override OpBlocks Materialize(OpContext context)
    {
        var outputs = new[] { new BufferBlock<Entry>(context.Buffer), new BufferBlock<Entry>(context.Buffer) };
        var input = new ActionBlock<Entry>(
            async entry =>
            {
                context.Counters.AddIn();
                bool holds;
                try
                {
                    holds = predicate(entry);
                }
                catch (Exception ex)
                {
                    throw context.Fail(entry, ex);
                }

                await OutputPump.SendCountedAsync(context, outputs[holds ? 0 : 1], entry).ConfigureAwait(false);
            },
            context.PerEntry);
        OutputPump.CompleteWhenDone(input.Completion, outputs);
        return new OpBlocks([input], outputs);
    }
}
