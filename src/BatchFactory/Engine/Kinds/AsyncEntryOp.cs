namespace BatchFactory.Engine.Kinds;

/// <summary>
/// An op with one in-port and one out-port that awaits something for each entry (a broker call) and may work on many
/// entries at once: its own <see cref="Concurrency"/>, independent of the run's degree of parallelism, because the work
/// waits rather than computes. Entries leave as soon as they are done; returning <see langword="null"/> drops one.
/// </summary>
/// <remarks>
/// Such an op can often answer at once from what it has stored, so it runs in two stages (see
/// <see cref="AsyncEntryOp{TPending}"/>): every entry is first served from the store if it can be, on as many workers as
/// there are cores, and only the entries it cannot serve wait for one of the <see cref="Concurrency"/> slots. A rerun served from the
/// ledger then runs at the speed of the lookups, not of dozens of workers fighting over two cores.
/// </remarks>
internal abstract class AsyncEntryOp : BlockOp
{
    protected AsyncEntryOp(string kind, int concurrency)
        : base(kind, 1, 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(concurrency, 1);
        Concurrency = concurrency;
    }

    /// <summary>How many entries the op works on at once.</summary>
    public int Concurrency { get; }

    /// <summary>How many entries the op works on at once in a run with <paramref name="options"/>. Default <see cref="Concurrency"/>.</summary>
    internal virtual int ConcurrencyIn(RunOptions options) => Concurrency;

    internal sealed override OpBlocks Materialize(OpContext context) => Materialize(context, [], [], null);

    /// <summary>
    /// Builds the op's blocks, with the per-entry ops next to it run in its own stages (see <see cref="Plan.Fusion.FindModelGroups"/>): <paramref name="before"/> on each entry as it
    /// arrives, <paramref name="after"/> on each entry once answered, and then <paramref name="sink"/>, if the chain
    /// after ends in one, instead of an out-port. An entry served from the store then goes all the way in one go, on
    /// one worker, and the large answer it carries is never queued.
    /// </summary>
    internal abstract OpBlocks Materialize(OpContext context, Func<Entry, Entry?>[] before, Func<Entry, Entry?>[] after, (Action<Entry> Keep, Func<Task, Task> Publish)? sink);
}
