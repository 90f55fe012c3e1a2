using System.Threading.Tasks.Dataflow;
using BatchFactory.Engine;

namespace BatchFactory.Operators;

/// <summary>
/// An op with one in-port and one out-port that awaits something for each entry (a broker call) and may work on many
/// entries at once: its own <see cref="Concurrency"/>, independent of the run's degree of parallelism, because the work
/// waits rather than computes. Entries leave as soon as they are done; returning <see langword="null"/> drops one.
/// </summary>
internal abstract class AsyncEntryOp : Op
{
    protected AsyncEntryOp(string kind, int concurrency)
        : base(kind, 1, 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(concurrency, 1);
        Concurrency = concurrency;
    }

    /// <summary>How many entries the op works on at once.</summary>
    public int Concurrency { get; }

    /// <summary>Handles one entry; returns it to pass on, or <see langword="null"/> to drop it (counted as dropped).</summary>
    protected abstract Task<Entry?> ProcessAsync(Entry entry, OpContext context);

    internal sealed override OpBlocks Materialize(OpContext context)
    {
        var options = new ExecutionDataflowBlockOptions
        {
            MaxDegreeOfParallelism = Concurrency,
            BoundedCapacity = Math.Max(context.Run.Options.BoundedCapacity, Concurrency),
            EnsureOrdered = false,
            CancellationToken = context.Token,
        };
        context.Counters.OutIsInLessDropped = true;
        var block = new TransformBlock<Entry, Entry>(
            async entry =>
            {
                context.Counters.AddIn();
                Entry? result;
                try
                {
                    result = await ProcessAsync(entry, context).ConfigureAwait(false);
                }
                catch (Exception ex)
                {
                    throw context.Fail(entry, ex);
                }

                if (result is null)
                {
                    context.Dropped(entry);
                }

                return result!;
            },
            options);
        block.LinkTo(DataflowBlock.NullTarget<Entry>(), static e => e is null);
        return new OpBlocks([block], [block]);
    }
}
