using System.Threading.Tasks.Dataflow;
using BatchFactory.Engine;

namespace BatchFactory.Operators;

/// <summary>
/// An op with one in-port and one out-port that handles each entry on its own: it changes the entry in place
/// and passes it on, or drops it. Runs as one TransformBlock with the run's degree of parallelism.
/// </summary>
internal abstract class EntryOp : Op
{
    protected EntryOp(string kind)
        : base(kind, 1, 1)
    {
    }

    /// <summary>Handles one entry; returns the entry to pass on, or <see langword="null"/> to drop it.</summary>
    protected abstract Entry? Process(Entry entry);

    /// <summary>Whether <see cref="Process"/> may return <see langword="null"/> to drop an entry (filters).</summary>
    protected virtual bool CanDrop => false;

    /// <summary>Returns the per-entry function for one run; override to keep per-run state.</summary>
    protected virtual Func<Entry, Entry?> Bind(OpContext context) => Process;

    internal sealed override OpBlocks Materialize(OpContext context)
    {
        var process = Bind(context);
        var counters = context.Counters;
        counters.OutIsInLessDropped = true;
        var canDrop = CanDrop;
        var block = new TransformBlock<Entry, Entry>(
            entry =>
            {
                counters.AddIn();
                Entry? result;
                try
                {
                    result = process(entry);
                }
                catch (Exception ex)
                {
                    throw context.Fail(entry, ex);
                }

                if (result is null)
                {
                    if (!canDrop)
                    {
                        throw context.Fail(entry, new InvalidOperationException($"{Kind} returned no entry, but it never drops entries."));
                    }

                    context.Dropped(entry);
                }

                // A null result is a dropped entry: the link below swallows it.
                return result!;
            },
            context.PerEntry);
        if (canDrop)
        {
            block.LinkTo(DataflowBlock.NullTarget<Entry>(), static e => e is null);
        }

        return new OpBlocks([block], [block]);
    }
}
