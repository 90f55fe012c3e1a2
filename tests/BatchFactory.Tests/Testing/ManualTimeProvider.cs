namespace BatchFactory.Tests.Testing;

/// <summary>
/// A clock that moves only when told to: timers (hence <c>Task.Delay(…, timeProvider)</c>) fire on
/// <see cref="Advance"/>, never on their own.
/// </summary>
internal sealed class ManualTimeProvider(DateTimeOffset start) : TimeProvider
{
    private readonly object _gate = new();
    private readonly List<Timer> _timers = [];
    private readonly List<TimeSpan> _requestedDueTimes = [];
    private DateTimeOffset _now = start;

    /// <summary>The due time of every timer created so far, in creation order.</summary>
    public IReadOnlyList<TimeSpan> RequestedDueTimes
    {
        get
        {
            lock (_gate)
            {
                return [.. _requestedDueTimes];
            }
        }
    }

    /// <summary>Timers that are scheduled and have not fired or been disposed.</summary>
    public int PendingTimers
    {
        get
        {
            lock (_gate)
            {
                return _timers.Count(t => t.DueAt is not null);
            }
        }
    }

    public override DateTimeOffset GetUtcNow()
    {
        lock (_gate)
        {
            return _now;
        }
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new Timer(this, callback, state);
        lock (_gate)
        {
            _timers.Add(timer);
            _requestedDueTimes.Add(dueTime);
        }

        timer.Change(dueTime, period);
        return timer;
    }

    /// <summary>Moves the clock forward and fires the timers that came due (once each; periods are ignored).</summary>
    public void Advance(TimeSpan by)
    {
        List<Timer> due;
        lock (_gate)
        {
            _now += by;
            due = _timers.Where(t => t.DueAt <= _now).ToList();
            foreach (Timer timer in due)
            {
                timer.DueAt = null;
            }
        }

        foreach (Timer timer in due)
        {
            timer.Fire();
        }
    }

    /// <summary>Waits (polling, at most 10 s of real time) until <paramref name="count"/> timers are pending.</summary>
    public async Task WaitForPendingTimersAsync(int count)
    {
        for (int i = 0; i < 1000 && PendingTimers < count; i++)
        {
            await Task.Delay(10, TestContext.Current.CancellationToken);
        }

        Assert.True(PendingTimers >= count, $"expected {count} pending timers within 10 s, saw {PendingTimers}");
    }

    private sealed class Timer(ManualTimeProvider owner, TimerCallback callback, object? state) : ITimer
    {
        public DateTimeOffset? DueAt { get; set; }

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            lock (owner._gate)
            {
                DueAt = dueTime == Timeout.InfiniteTimeSpan ? null : owner._now + dueTime;
            }

            return true;
        }

        public void Fire() => callback(state);

        public void Dispose()
        {
            lock (owner._gate)
            {
                DueAt = null;
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
