namespace BatchFactory.Engine.Kinds;

/// <summary>An op with no in-port that produces entries in a fixed order; each gets an order key from its position.</summary>
internal abstract class SourceOp : BlockOp
{
    protected SourceOp(string kind)
        : base(kind, 0, 1)
    {
    }

    /// <summary>Produces the entries of one run, lazily and in a stable order.</summary>
    protected abstract IEnumerable<Entry> Produce(OpContext context);

    internal sealed override OpBlocks Materialize(OpContext context)
    {
        return new OpBlocks([], []) { Pump = target => OutputPump.PumpAsync(context, Produce(context), target, assignOrder: true) };
    }
}
