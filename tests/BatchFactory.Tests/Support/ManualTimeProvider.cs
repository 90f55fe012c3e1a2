namespace BatchFactory.Tests.Support;

/// <summary>
/// A clock that moves only when told to (<see cref="Advance"/>), firing the timers that fall due on the way, each at its
/// own time. Timers never fire from <see cref="ITimer.Change"/>, only from <see cref="Advance"/>.
/// </summary>
public sealed class ManualTimeProvider(DateTimeOffset start) : TimeProvider
{
    private readonly Lock _lock = new();
    private readonly List<ManualTimer> _timers = [];
    private readonly List<TimeSpan> _requestedDueTimes = [];
    private long _ticks;
    private long _sequence;

    public ManualTimeProvider()
        : this(new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero))
    {
    }

    /// <summary>Time since the clock was made.</summary>
    public TimeSpan Elapsed
    {
        get
        {
            lock (_lock)
            {
                return TimeSpan.FromTicks(_ticks);
            }
        }
    }

    /// <summary>The due time of every timer created so far, in creation order.</summary>
    public IReadOnlyList<TimeSpan> RequestedDueTimes
    {
        get
        {
            lock (_lock)
            {
                return [.. _requestedDueTimes];
            }
        }
    }

    /// <summary>Timers waiting to fire.</summary>
    public int PendingTimers
    {
        get
        {
            lock (_lock)
            {
                return _timers.Count(t => t.DueAt is not null);
            }
        }
    }

    /// <summary>Time until the next timer falls due, or <see langword="null"/> when none is waiting.</summary>
    public TimeSpan? UntilNextTimer
    {
        get
        {
            lock (_lock)
            {
                var next = _timers.Min(t => t.DueAt);
                return next is { } due ? TimeSpan.FromTicks(Math.Max(0, due - _ticks)) : null;
            }
        }
    }

    public override TimeZoneInfo LocalTimeZone => TimeZoneInfo.Utc;

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override DateTimeOffset GetUtcNow() => start + Elapsed;

    public override long GetTimestamp() => Elapsed.Ticks;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new ManualTimer(this, callback, state);
        lock (_lock)
        {
            _timers.Add(timer);
            _requestedDueTimes.Add(dueTime);
        }

        timer.Change(dueTime, period);
        return timer;
    }

    /// <summary>Moves the clock on by <paramref name="by"/>, firing due timers in order, each with the clock at its due time.</summary>
    public void Advance(TimeSpan by)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(by, TimeSpan.Zero);
        long target;
        lock (_lock)
        {
            target = _ticks + by.Ticks;
        }

        while (true)
        {
            ManualTimer? next;
            lock (_lock)
            {
                next = _timers.Where(t => t.DueAt <= target).OrderBy(t => t.DueAt).ThenBy(t => t.Sequence).FirstOrDefault();
                if (next is null)
                {
                    _ticks = target;
                    return;
                }

                _ticks = Math.Max(_ticks, next.DueAt!.Value);
                next.DueAt = next.Period is { } period ? _ticks + Math.Max(1, period) : null;
            }

            next.Fire();
        }
    }

    /// <summary>
    /// Moves the clock from timer to timer until <paramref name="task"/> completes, waiting at each step for the work
    /// the last timer set off to settle (the task done or the next timer set). Only for work that keeps at most one timer
    /// at a time (a retry's wait): with another timer pending, the clock could move on before that work has run.
    /// </summary>
    public async Task RunUntilDoneAsync(Task task)
    {
        while (!task.IsCompleted)
        {
            await Eventually.TrueAsync(() => task.IsCompleted || PendingTimers > 0, "the task finishes or sets a timer");
            if (!task.IsCompleted && UntilNextTimer is { } wait)
            {
                Advance(wait);
            }
        }
    }

    private sealed class ManualTimer(ManualTimeProvider owner, TimerCallback callback, object? state) : ITimer
    {
        public long? DueAt { get; set; }

        public long? Period { get; private set; }

        public long Sequence { get; private set; }

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            lock (owner._lock)
            {
                if (!owner._timers.Contains(this))
                {
                    return false;
                }

                DueAt = dueTime == Timeout.InfiniteTimeSpan ? null : owner._ticks + dueTime.Ticks;
                Period = period == Timeout.InfiniteTimeSpan || period == TimeSpan.Zero ? null : period.Ticks;
                Sequence = owner._sequence++;
                return true;
            }
        }

        public void Fire() => callback(state);

        public void Dispose()
        {
            lock (owner._lock)
            {
                owner._timers.Remove(this);
            }
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
