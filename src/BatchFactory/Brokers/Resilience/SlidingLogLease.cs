using System.Threading.RateLimiting;

namespace BatchFactory.Brokers.Resilience;

/// <summary>A grant of a <see cref="SlidingLogRateLimiter"/>, which can be settled once to what was really used.</summary>
internal sealed class SlidingLogLease : RateLimitLease
{
    private readonly SlidingLogRateLimiter? _limiter;
    private readonly SlidingLogRateLimiter.Entry? _entry;
    private readonly bool _acquired;
    private int _settled;
    private int _restarted;

    internal SlidingLogLease(SlidingLogRateLimiter limiter, SlidingLogRateLimiter.Entry entry)
    {
        _limiter = limiter;
        _entry = entry;
        _acquired = true;
    }

    private SlidingLogLease(bool acquired) => _acquired = acquired;

    /// <summary>A lease that was not granted.</summary>
    public static SlidingLogLease Failed { get; } = new(acquired: false);

    /// <summary>A granted lease for zero permits.</summary>
    public static SlidingLogLease Empty { get; } = new(acquired: true);

    /// <inheritdoc/>
    public override bool IsAcquired => _acquired;

    /// <inheritdoc/>
    public override IEnumerable<string> MetadataNames => [];

    /// <summary>
    /// Makes the grant count for <paramref name="used"/> permits instead: the rest is given back now, or the overage is
    /// charged. Only the first call counts.
    /// </summary>
    public void Settle(long used)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(used);
        if (_limiter is not null && Interlocked.Exchange(ref _settled, 1) == 0)
        {
            _limiter.Settle(_entry!, used);
        }
    }

    /// <summary>Makes the grant count for a whole window from now (see <see cref="SlidingLogRateLimiter.Restart"/>). Only the first call counts.</summary>
    public void Restart()
    {
        if (_limiter is not null && Interlocked.Exchange(ref _restarted, 1) == 0)
        {
            _limiter.Restart(_entry!);
        }
    }

    /// <inheritdoc/>
    public override bool TryGetMetadata(string metadataName, out object? metadata)
    {
        metadata = null;
        return false;
    }

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        // Nothing to give back: the grant leaves the log when its window has passed.
    }
}
