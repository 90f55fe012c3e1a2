using System.Threading.Tasks.Dataflow;
using BatchFactory.Entries;

namespace BatchFactory.Engine.Kinds;

/// <summary>
/// An op with one in-port and one out-port that handles each entry on its own: it changes the entry in place
/// and passes it on, or drops it. Runs as one TransformBlock with the run's degree of parallelism.
/// </summary>
internal abstract class EntryOp : BlockOp
{
    protected EntryOp(string kind)
        : base(kind, 1, 1)
    {
    }

    /// <summary>Handles one entry; returns the entry to pass on, or <see langword="null"/> to drop it.</summary>
    protected abstract Entry? Process(Entry entry);

    /// <summary>Whether <see cref="Process"/> may return <see langword="null"/> to drop an entry (filters).</summary>
    protected virtual bool CanDrop => false;

    /// <summary>
    /// Whether <see cref="Process"/> may run on several entries at once even when the run's MaxDegreeOfParallelism is 1:
    /// it calls no user code and shares no state between entries. Such ops next to a model call run in the call's own
    /// workers (see <see cref="Plan.Fusion.FindModelGroups"/>).
    /// </summary>
    internal virtual bool SafeInParallel => false;

    /// <summary>Returns the per-entry function for one run; override to keep per-run state.</summary>
    protected virtual Func<Entry, Entry?> Bind(OpContext context) => Process;

    internal sealed override OpBlocks Materialize(OpContext context) => Materialize([context]);

    /// <summary>
    /// Builds one block that runs a chain of entry ops in turn on each entry (operator fusion): no hand-off
    /// between them, while each op keeps its own counts and errors. <paramref name="chain"/> lists the contexts of
    /// the ops, first to last; a chain of one is the op on its own. A chain may end in a sink, which then keeps
    /// what the last entry op passes on.
    /// </summary>
    internal static OpBlocks Materialize(IReadOnlyList<OpContext> chain)
    {
        if (chain[^1].Op is SinkOp sink)
        {
            return MaterializeIntoSink(chain.Take(chain.Count - 1).ToList(), sink.Step(chain[^1], out var publish), publish);
        }

        var steps = Steps(chain);
        var canDrop = chain.Any(c => ((EntryOp)c.Op).MayDrop(c));
        var block = new TransformBlock<Entry, Entry>(
            // A null result is a dropped entry: the link below swallows it.
            entry => RunSteps(steps, entry)!,
            chain[0].PerEntry);
        if (canDrop)
        {
            block.LinkTo(DataflowBlock.NullTarget<Entry>(), static e => e is null);
        }

        return new OpBlocks([block], [block]);
    }

    // A chain that ends in a sink: one ActionBlock runs the entry ops, then hands the entry to the sink.
    private static OpBlocks MaterializeIntoSink(IReadOnlyList<OpContext> chain, Action<Entry> keep, Func<Task, Task> publish)
    {
        var steps = Steps(chain);
        var block = new ActionBlock<Entry>(
            entry =>
            {
                if (RunSteps(steps, entry) is { } kept)
                {
                    keep(kept);
                }
            },
            chain[0].PerEntry);
        return new OpBlocks([block], []) { Finishing = publish(block.Completion) };
    }

    /// <summary>The <see cref="Step"/> of each entry op in <paramref name="chain"/>, in order.</summary>
    internal static Func<Entry, Entry?>[] Steps(IEnumerable<OpContext> chain) => [.. chain.Select(c => ((EntryOp)c.Op).Step(c))];

    // Runs the entry through each step until one drops it (returns null).
    internal static Entry? RunSteps(Func<Entry, Entry?>[] steps, Entry entry)
    {
        Entry? current = entry;
        for (var i = 0; i < steps.Length && current is not null; i++)
        {
            current = steps[i](current);
        }

        return current;
    }

    /// <summary>This op's work on one entry for one run, with its counts and its errors naming the op and idx.</summary>
    internal Func<Entry, Entry?> Step(OpContext context)
    {
        var process = Bind(context);
        var counters = context.Counters;
        counters.OutIsInLessDropped = true;
        var canDrop = CanDrop;
        var onError = ErrorPolicy(context);
        return entry =>
        {
            counters.AddIn();
            Entry? result;
            try
            {
                result = process(entry);
            }
            catch (Exception ex) when (onError != OnEntryError.FailRun && ex is not OperationCanceledException)
            {
                var error = context.Run.Telemetry.EntryFailed(context, entry.Idx, ex);
                if (onError == OnEntryError.Drop)
                {
                    context.Dropped(entry);
                    return null;
                }

                FailureMark.Mark(entry, error);
                return entry;
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

            return result;
        };
    }

    /// <summary>Whether the op may drop entries in this run: a filter, or an op that drops the entries it fails on.</summary>
    internal bool MayDrop(OpContext context) => CanDrop || ErrorPolicy(context) == OnEntryError.Drop;

    // The op's own policy, else the run's, for ops that run the user's code; the rest always fail the run.
    private OnEntryError ErrorPolicy(OpContext context) =>
        RunsUserCode ? EntryErrors ?? context.Run.Options.OnEntryError : OnEntryError.FailRun;
}
