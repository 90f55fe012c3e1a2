namespace BatchFactory.Brokers.Pools;

/// <summary>
/// One server of a pool: its requests outstanding, its concurrency cap, and its breaker: out of the pool after a
/// connection error, timeout or 5xx, back in once a health probe finds it answering.
/// </summary>
/// <param name="url">The server's base URL, probed at <c>&lt;url&gt;/models</c>.</param>
/// <param name="maxConcurrency">The most requests in flight at once.</param>
internal sealed class PoolEndpoint(Uri url, int maxConcurrency)
{
    private int _outstanding;
    private long _outUntil = -1;
    private int _probing;

    /// <summary>The server's base URL.</summary>
    public Uri Url { get; } = url;

    /// <summary>Caps the requests in flight.</summary>
    public SemaphoreSlim Slots { get; } = new(maxConcurrency, maxConcurrency);

    /// <summary>Requests sent or waiting for a slot.</summary>
    public int Outstanding => Volatile.Read(ref _outstanding);

    /// <summary>Whether the endpoint takes requests (its breaker is closed).</summary>
    public bool IsIn => Interlocked.Read(ref _outUntil) < 0;

    /// <summary>A request starts waiting for a slot.</summary>
    public void Enter() => Interlocked.Increment(ref _outstanding);

    /// <summary>A request ended.</summary>
    public void Leave() => Interlocked.Decrement(ref _outstanding);

    /// <summary>Takes the endpoint out of the pool, to be probed from <paramref name="nextProbe"/> (a timestamp) on.</summary>
    public void TakeOut(long nextProbe) => Interlocked.CompareExchange(ref _outUntil, nextProbe, -1);

    /// <summary>Puts the endpoint back in the pool.</summary>
    public void Rejoin() => Interlocked.Exchange(ref _outUntil, -1);

    /// <summary>Whether a probe is due at <paramref name="now"/> and none is running; if so, this caller runs it.</summary>
    public bool TryStartProbe(long now)
    {
        var until = Interlocked.Read(ref _outUntil);
        return until >= 0 && now >= until && Interlocked.CompareExchange(ref _probing, 1, 0) == 0;
    }

    /// <summary>A probe ended; when it failed the next is due at <paramref name="nextProbe"/>.</summary>
    public void ProbeEnded(bool answered, long nextProbe)
    {
        if (answered)
        {
            Rejoin();
        }
        else
        {
            Interlocked.Exchange(ref _outUntil, nextProbe);
        }

        Volatile.Write(ref _probing, 0);
    }
}
