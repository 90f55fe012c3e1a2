namespace BatchFactory.Engine.Kinds;

/// <summary>
/// A source whose reading is asynchronous (a library with only an async API, such as Parquet): it produces entries in a
/// fixed order as an async stream, and each gets an order key from its position, as a <see cref="SourceOp"/>'s do.
/// </summary>
internal abstract class AsyncSourceOp : BlockOp
{
    protected AsyncSourceOp(string kind)
        : base(kind, 0, 1)
    {
    }

    /// <summary>Produces the entries of one run, lazily and in a stable order.</summary>
    protected abstract IAsyncEnumerable<Entry> ProduceAsync(OpContext context);

    internal sealed override OpBlocks Materialize(OpContext context)
    {
        return new OpBlocks([], []) { Pump = target => OutputPump.PumpAsync(context, ProduceAsync(context), target) };
    }
}
