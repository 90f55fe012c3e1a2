namespace BatchFactory.Engine;

/// <summary>Live per-op counts during a run; updated from block threads with interlocked operations.</summary>
internal sealed class OpCounters
{
    private long _in;
    private long _out;
    private long _dropped;

    public long In => Interlocked.Read(ref _in);

    public long Out => Interlocked.Read(ref _out);

    public long Dropped => Interlocked.Read(ref _dropped);

    public void AddIn() => Interlocked.Increment(ref _in);

    public void AddOut() => Interlocked.Increment(ref _out);

    public void AddDropped() => Interlocked.Increment(ref _dropped);
}
