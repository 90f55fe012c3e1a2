namespace BatchFactory.Engine;

/// <summary>Live per-op counts during a run; updated from block threads with interlocked operations.</summary>
internal sealed class OpCounters
{
    private long _in;
    private long _out;
    private long _dropped;

    public long In => Interlocked.Read(ref _in);

    /// <summary>Entries that left: counted, or for ops that pass on each entry they do not drop, In less Dropped.</summary>
    public long Out => OutIsInLessDropped ? In - Dropped : Interlocked.Read(ref _out);

    /// <summary>Set by ops whose every entry either leaves or is dropped, to save a count per entry.</summary>
    public bool OutIsInLessDropped { get; set; }

    public long Dropped => Interlocked.Read(ref _dropped);

    public void AddIn() => Interlocked.Increment(ref _in);

    public void AddOut() => Interlocked.Increment(ref _out);

    public void AddDropped() => Interlocked.Increment(ref _dropped);
}
