using System.Threading.Tasks.Dataflow;
using BatchFactory.Engine;
using BatchFactory.Engine.Kinds;

namespace BatchFactory.Operators;

/// <summary>
/// Sends a copy of each entry to every out-port (the entry itself to port 0, deep copies to the others).
/// Copies keep the idx; wire ports other than 0 with <see cref="Graph.Wire(Op, Op, int, int)"/>.
/// </summary>
internal sealed class ReplicateOp : BlockOp
{
    public ReplicateOp(int copies)
        : base("Replicate", 1, copies >= 1 ? copies : throw new ArgumentOutOfRangeException(nameof(copies), copies, "Replicate: make at least one copy."))
    {
    }

    private protected override string Describe() => OutputPorts.ToString(System.Globalization.CultureInfo.InvariantCulture);

    internal override OpBlocks Materialize(OpContext context)
    {
        var outputs = Enumerable.Range(0, OutputPorts).Select(_ => new BufferBlock<Entry>(context.Buffer)).ToArray();
        var input = new ActionBlock<Entry>(
            async entry =>
            {
                context.Counters.AddIn();
                OpContext.Multiplied(entry, outputs.Length - 1);
                var copies = new Entry[outputs.Length];
                for (var port = 0; port < copies.Length; port++)
                {
                    copies[port] = port == 0 ? entry : entry.Clone();
                    copies[port].Order = entry.Order.Child(port);
                }

                for (var port = 0; port < copies.Length; port++)
                {
                    await outputs[port].SendAsync(copies[port], context.Token).ConfigureAwait(false);
                    context.Counters.AddOut();
                }
            },
            context.Serial);
        OutputPump.CompleteWhenDone(input.Completion, outputs);
        return new OpBlocks([input], outputs);
    }
}
