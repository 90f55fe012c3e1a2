using System.Threading.Tasks.Dataflow;
using BatchFactory.Engine;
using BatchFactory.Engine.Kinds;

namespace BatchFactory.Operators;

/// <summary>Passes on the entries of both in-ports (the two branches of an If) through its one out-port; ends when both inputs have.</summary>
internal sealed class JoinOp() : BlockOp("EndIf", 2, 1)
{
    private protected override string Describe() => string.Empty;

    internal override OpBlocks Materialize(OpContext context)
    {
        var output = new BufferBlock<Entry>(context.Buffer);
        var inputs = Enumerable.Range(0, 2).Select(_ => new ActionBlock<Entry>(
            async entry =>
            {
                context.Counters.AddIn();
                await OutputPump.SendCountedAsync(context, output, entry).ConfigureAwait(false);
            },
            context.Serial)).ToArray();
        OutputPump.CompleteWhenDone(Task.WhenAll(inputs.Select(i => i.Completion)), output);
        return new OpBlocks(inputs, [output]);
    }
}
