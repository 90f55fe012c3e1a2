using System.Threading.RateLimiting;

namespace BatchFactory.Brokers.Resilience;

/// <summary>
/// A <see cref="RateLimiter"/> over a sliding log on a <see cref="TimeProvider"/>: every grant counts against the limit
/// for exactly one window from the moment it was made, so no span of one window, wherever it starts, holds more than
/// the limit, and a saturated limiter grants exactly the limit per window. Waiters are served first come, first served.
/// </summary>
/// <remarks>
/// The platform's replenishing limiters (token bucket, fixed and sliding window) read the real clock even with
/// <c>AutoReplenishment = false</c> (measured: <c>TryReplenish</c> adds nothing until real time has passed), so a fake
/// clock cannot drive them; this one takes its time and its one timer from the <see cref="TimeProvider"/>.
/// A grant can be settled afterwards (<see cref="SlidingLogLease.Settle"/>) to the amount really used: what was not
/// used is given back at once, an overage is charged (the log may then hold more than the limit until it expires).
/// Disposing a lease does nothing: permits come back when their window has passed.
/// </remarks>
internal sealed partial class SlidingLogRateLimiter : RateLimiter
{
    private readonly Lock _lock = new();
    private readonly long _limit;
    private readonly long _window;
    private readonly TimeProvider _time;
    private readonly long _origin;
    private readonly ITimer _timer;
    private readonly Queue<Entry> _log = new();
    private readonly LinkedList<Waiter> _waiters = new();
    private long _used;
    private long _idleSince;
    private bool _timerArmed;
    private bool _disposed;
    private long _successful;
    private long _failed;

    public SlidingLogRateLimiter(int limit, TimeSpan window, TimeProvider timeProvider)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(window, TimeSpan.Zero);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _limit = limit;
        _window = window.Ticks;
        _time = timeProvider;
        _origin = timeProvider.GetTimestamp();
        _timer = timeProvider.CreateTimer(static state => ((SlidingLogRateLimiter)state!).OnTimer(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>The permits the log may hold.</summary>
    public long Limit => _limit;

    /// <inheritdoc/>
    public override TimeSpan? IdleDuration
    {
        get
        {
            lock (_lock)
            {
                return _log.Count == 0 && _waiters.Count == 0 ? TimeSpan.FromTicks(Now - _idleSince) : null;
            }
        }
    }

    private long Now => _time.GetElapsedTime(_origin).Ticks;

    /// <inheritdoc/>
    public override RateLimiterStatistics? GetStatistics()
    {
        lock (_lock)
        {
            long queued = 0;
            foreach (var waiter in _waiters)
            {
                queued += waiter.Count;
            }

            return new RateLimiterStatistics
            {
                CurrentAvailablePermits = Math.Max(0, _limit - _used),
                CurrentQueuedCount = queued,
                TotalFailedLeases = _failed,
                TotalSuccessfulLeases = _successful,
            };
        }
    }

    /// <inheritdoc/>
    protected override RateLimitLease AttemptAcquireCore(int permitCount)
    {
        CheckCount(permitCount);
        lock (_lock)
        {
            if (TryGrantNow(permitCount) is { } lease)
            {
                return lease;
            }

            _failed++;
            return SlidingLogLease.Failed;
        }
    }

    /// <inheritdoc/>
    protected override ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken)
    {
        CheckCount(permitCount);
        Waiter waiter;
        lock (_lock)
        {
            if (TryGrantNow(permitCount) is { } lease)
            {
                return new ValueTask<RateLimitLease>(lease);
            }

            if (_disposed)
            {
                _failed++;
                return new ValueTask<RateLimitLease>(SlidingLogLease.Failed);
            }

            if (cancellationToken.IsCancellationRequested)
            {
                return ValueTask.FromCanceled<RateLimitLease>(cancellationToken);
            }

            waiter = new Waiter(this, permitCount);
            waiter.Node = _waiters.AddLast(waiter);
        }

        if (cancellationToken.CanBeCanceled)
        {
            // Registered outside the lock: disposing a registration waits for its callback, which takes the lock.
            var registration = cancellationToken.UnsafeRegister(
                static (state, token) => { var w = (Waiter)state!; w.Limiter.Cancel(w, token); },
                waiter);
            lock (_lock)
            {
                if (waiter.Node.List is not null)
                {
                    waiter.Registration = registration;
                    registration = default;
                }
            }

            registration.Dispose();
        }

        return new ValueTask<RateLimitLease>(waiter.Completion.Task);
    }

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (!disposing)
        {
            return;
        }

        List<(Waiter, CancellationTokenRegistration, RateLimitLease)> failed = [];
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            while (_waiters.First is { } first)
            {
                _waiters.RemoveFirst();
                failed.Add((first.Value, first.Value.Registration, SlidingLogLease.Failed));
            }
        }

        _timer.Dispose();
        Complete(failed);
    }

    /// <inheritdoc/>
    protected override ValueTask DisposeAsyncCore()
    {
        Dispose(true);
        return ValueTask.CompletedTask;
    }

    private void CheckCount(int permitCount)
    {
        if (permitCount < 0 || permitCount > _limit)
        {
            throw new ArgumentOutOfRangeException(nameof(permitCount), permitCount, $"Ask for between 0 and {_limit} permits (the limit).");
        }
    }

    private SlidingLogLease? TryGrantNow(int permitCount)
    {
        if (_disposed || _waiters.Count > 0 || _used + permitCount > _limit || (permitCount == 0 && _used >= _limit))
        {
            return null;
        }

        return Grant(permitCount, Now);
    }

    private SlidingLogLease Grant(int permitCount, long now)
    {
        _successful++;
        return permitCount == 0 ? SlidingLogLease.Empty : new SlidingLogLease(this, AddEntry(permitCount, now));
    }
}
