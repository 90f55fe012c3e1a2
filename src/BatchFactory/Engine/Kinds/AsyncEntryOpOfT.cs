using System.Threading.Tasks.Dataflow;

namespace BatchFactory.Engine.Kinds;

/// <summary>
/// An <see cref="AsyncEntryOp"/> in its two stages: <see cref="TryServeAsync"/> serves an entry from the store when it
/// can and otherwise says what is pending (e.g. the model request, with its key computed once); only then does the
/// entry wait for a slot of <see cref="ProcessAsync"/>, which gets that pending work.
/// </summary>
/// <typeparam name="TPending">What the first stage hands the second for an entry it could not serve.</typeparam>
internal abstract class AsyncEntryOp<TPending> : AsyncEntryOp
{
    // In a shared run the store is across the network: the first stage then serves this many entries at once, so that
    // their lookups wait together and the broker gathers them into batched ones (Brokers.LedgerLookups).
    private const int SharedLookups = 64;

    protected AsyncEntryOp(string kind, int concurrency)
        : base(kind, concurrency)
    {
    }

    /// <summary>Serves the entry at once if that needs no waiting on the outside world (e.g. an answer in the ledger).</summary>
    /// <returns>Whether it was served (it then passes on as it is now); if not, the work pending for <see cref="ProcessAsync"/>.</returns>
    protected abstract ValueTask<(bool Served, TPending Pending)> TryServeAsync(Entry entry, OpContext context);

    /// <summary>Handles one entry the first stage could not serve; returns it to pass on, or <see langword="null"/> to drop it (counted as dropped).</summary>
    protected abstract Task<Entry?> ProcessAsync(Entry entry, TPending pending, OpContext context);

    /// <summary>
    /// What the entry must wait for before <see cref="ProcessAsync"/>, when that is long (a request placed in a provider's
    /// batch): the entry then waits holding no frame of <see cref="ProcessAsync"/>, which is called once it completes
    /// (whatever its outcome) and finds the outcome at once. Default: <see langword="null"/>, nothing to wait for.
    /// </summary>
    private protected virtual ValueTask<Task?> ParkAsync(Entry entry, TPending pending, OpContext context) => new((Task?)null);

    /// <summary>Called once the op has taken in all its entries (its inputs completed), while the last ones may still be processed. Default: nothing.</summary>
    private protected virtual void InputsDone(OpContext context)
    {
    }

    /// <inheritdoc/>
    internal sealed override OpBlocks Materialize(OpContext context, Func<Entry, Entry?>[] before, Func<Entry, Entry?>[] after, (Action<Entry> Keep, Func<Task, Task> Publish)? sink)
    {
        // In a shared run an entry may only wait for another worker's answer: it then gives its place among the op's
        // Concurrency to the next entry (Brokers.CallSlot), so the places are a semaphore and the block runs unbounded.
        var concurrency = ConcurrencyIn(context.Run.Options);
        var places = context.Run.Claims is null ? null : new SemaphoreSlim(concurrency, concurrency);
        var claims = places is null ? null : new SemaphoreSlim(concurrency, concurrency);
        var options = new ExecutionDataflowBlockOptions
        {
            MaxDegreeOfParallelism = places is null ? concurrency : DataflowBlockOptions.Unbounded,
            BoundedCapacity = Math.Max(context.Run.Options.BoundedCapacity, concurrency),
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

        var slow = new ActionBlock<(Entry Entry, TPending Pending)>(
            async work =>
            {
                Brokers.CallSlot? slot = null;
                if (places is not null)
                {
                    await places.WaitAsync(context.Token).ConfigureAwait(false);
                    slot = Brokers.CallSlot.Enter(places, claims);
                }

                Entry? result;
                try
                {
                    // What ParkAsync placed is waited for in this frame alone: the frames of ProcessAsync exist once it is there.
                    var parked = context.Run.Stopping ? null : await ParkCountedAsync(work.Entry, work.Pending, context).ConfigureAwait(false);
                    if (parked is not null)
                    {
                        await parked.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                    }

                    result = await ProcessCountedAsync(work.Entry, work.Pending, context, parked is not null).ConfigureAwait(false);
                }
                finally
                {
                    slot?.Leave();
                }

                if (result is not null)
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
                (bool Served, TPending Pending) served;
                try
                {
                    served = await TryServeAsync(arrived, context).ConfigureAwait(false);
                }
                catch (Exception ex)
                {
                    throw context.Fail(arrived, ex);
                }

                if (served.Served)
                {
                    await PassOnAsync(arrived).ConfigureAwait(false);
                }
                else
                {
                    await slow.SendAsync((arrived, served.Pending), context.Token).ConfigureAwait(false);
                }
            },
            new ExecutionDataflowBlockOptions
            {
                MaxDegreeOfParallelism = places is null ? Math.Min(Environment.ProcessorCount, concurrency) : Math.Max(Environment.ProcessorCount, SharedLookups),
                BoundedCapacity = places is null ? context.Run.Options.BoundedCapacity : Math.Max(context.Run.Options.BoundedCapacity, SharedLookups),
                EnsureOrdered = false,
                CancellationToken = context.Token,
            });
        OutputPump.CompleteWhenDone(fast.Completion, slow);
        _ = fast.Completion.ContinueWith(_ => InputsDone(context), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        if (output is null)
        {
            return new OpBlocks([fast], []) { Finishing = sink!.Value.Publish(slow.Completion) };
        }

        OutputPump.CompleteWhenDone(slow.Completion, output);
        return new OpBlocks([fast], [output]);
    }

    // ParkAsync with the op's error handling: a failure to place the request fails the run naming the op and the entry.
    private async ValueTask<Task?> ParkCountedAsync(Entry entry, TPending pending, OpContext context)
    {
        try
        {
            return await ParkAsync(entry, pending, context).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            throw context.Fail(entry, ex);
        }
    }

    // ProcessAsync with the op's error handling and drop counting; null for a dropped entry. A parked entry (its
    // request placed before the graceful stop) is processed whatever the stop.
    private async Task<Entry?> ProcessCountedAsync(Entry entry, TPending pending, OpContext context, bool parked)
    {
        // A graceful stop takes in no new work: an entry that still needs a call stays for the next run.
        if (context.Run.Stopping && !parked)
        {
            OpContext.Stays(entry);
            context.Dropped(entry);
            return null;
        }

        Entry? result;
        try
        {
            result = await ProcessAsync(entry, pending, context).ConfigureAwait(false);
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
