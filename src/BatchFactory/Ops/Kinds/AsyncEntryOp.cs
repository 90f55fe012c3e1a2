using System.Threading.Tasks.Dataflow;
using BatchFactory.Engine;

namespace BatchFactory.Operators;

/// <summary>
/// An op with one in-port and one out-port that awaits something for each entry (a broker call) and may work on many
/// entries at once: its own <see cref="Concurrency"/>, independent of the run's degree of parallelism, because the work
/// waits rather than computes. Entries leave as soon as they are done; returning <see langword="null"/> drops one.
/// </summary>
/// <remarks>
/// Such an op can often answer at once from what it has stored, so it runs in two stages: every
/// entry first goes through <see cref="TryServeAsync"/> on as many workers as there are cores, and only the entries it
/// cannot serve wait for one of the <see cref="Concurrency"/> slots of <see cref="ProcessAsync"/>. A rerun served from the
/// ledger then runs at the speed of the lookups, not of dozens of workers fighting over two cores.
/// </remarks>
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

    /// <summary>Serves the entry at once if that needs no waiting on the outside world (e.g. an answer in the ledger).</summary>
    /// <returns>Whether it was served; if so it passes on as it is now.</returns>
    protected abstract ValueTask<bool> TryServeAsync(Entry entry, OpContext context);

    internal sealed override OpBlocks Materialize(OpContext context) => Materialize(context, [], [], null);

    /// <summary>
    /// Builds the op's blocks, with the per-entry ops next to it run in its own stages (see <see cref="Fusion.FindModelGroups"/>): <paramref name="before"/> on each entry as it
    /// arrives, <paramref name="after"/> on each entry once answered, and then <paramref name="sink"/>, if the chain
    /// after ends in one, instead of an out-port. An entry served from the store then goes all the way in one go, on
    /// one worker, and the large answer it carries is never queued.
    /// </summary>
    internal OpBlocks Materialize(OpContext context, Func<Entry, Entry?>[] before, Func<Entry, Entry?>[] after, (Action<Entry> Keep, Func<Task, Task> Publish)? sink)
    {
        var options = new ExecutionDataflowBlockOptions
        {
            MaxDegreeOfParallelism = Concurrency,
            BoundedCapacity = Math.Max(context.Run.Options.BoundedCapacity, Concurrency),
            EnsureOrdered = false,
            CancellationToken = context.Token,
        };
        var output = sink is null ? new BufferBlock<Entry>(new DataflowBlockOptions { BoundedCapacity = options.BoundedCapacity, CancellationToken = context.Token }) : null;

        // An answered entry: counted out of this op, through the ops after it, then kept or sent on.
        async Task PassOnAsync(Entry entry)
        {
            if (after.Length == 0 && sink is null)
            {
                await OutputPump.SendCountedAsync(context, output!, entry).ConfigureAwait(false);
                return;
            }

            context.Counters.AddOut();
            if (EntryOp.RunSteps(after, entry) is not { } done)
            {
                return;
            }

            if (sink is { } end)
            {
                end.Keep(done);
            }
            else
            {
                await output!.SendAsync(done, context.Token).ConfigureAwait(false);
            }
        }

        var slow = new ActionBlock<Entry>(
            async entry =>
            {
                if (await ProcessCountedAsync(entry, context).ConfigureAwait(false) is { } result)
                {
                    await PassOnAsync(result).ConfigureAwait(false);
                }
            },
            options);
        var fast = new ActionBlock<Entry>(
            async entry =>
            {
                if (EntryOp.RunSteps(before, entry) is not { } arrived)
                {
                    return;
                }

                context.Counters.AddIn();
                bool served;
                try
                {
                    served = await TryServeAsync(arrived, context).ConfigureAwait(false);
                }
                catch (Exception ex)
                {
                    throw context.Fail(arrived, ex);
                }

                if (served)
                {
                    await PassOnAsync(arrived).ConfigureAwait(false);
                }
                else
                {
                    await slow.SendAsync(arrived, context.Token).ConfigureAwait(false);
                }
            },
            new ExecutionDataflowBlockOptions
            {
                MaxDegreeOfParallelism = Math.Min(Environment.ProcessorCount, Concurrency),
                BoundedCapacity = context.Run.Options.BoundedCapacity,
                EnsureOrdered = false,
                CancellationToken = context.Token,
            });
        OutputPump.CompleteWhenDone(fast.Completion, slow);
        if (output is null)
        {
            return new OpBlocks([fast], []) { Finishing = sink!.Value.Publish(slow.Completion) };
        }

        OutputPump.CompleteWhenDone(slow.Completion, output);
        return new OpBlocks([fast], [output]);
    }

    // ProcessAsync with the op's error handling and drop counting; null for a dropped entry.
    private async Task<Entry?> ProcessCountedAsync(Entry entry, OpContext context)
    {
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

        return result;
    }
}
