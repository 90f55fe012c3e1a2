using System.Threading.RateLimiting;

namespace BatchFactory.Brokers.Resilience;

/// <content>The log: grants, settling them, and letting them go when their window has passed.</content>
internal sealed partial class SlidingLogRateLimiter
{
    /// <summary>Changes what a grant counts for to <paramref name="used"/>, giving back or charging the difference.</summary>
    internal void Settle(Entry entry, long used)
    {
        List<(Waiter, CancellationTokenRegistration, RateLimitLease)>? granted = null;
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            var now = Now;
            if (!entry.Expired)
            {
                var delta = used - entry.Amount;
                entry.Amount = used;
                _used += delta;
                if (delta < 0)
                {
                    granted = GrantWaiters(now);
                }
            }
            else if (used > entry.Amount)
            {
                // The grant's window has passed (a call longer than the window): charge the overage from now on.
                AddEntry(used - entry.Amount, now);
            }
        }

        Complete(granted);
    }

    /// <summary>
    /// Starts the grant's window again from now: used when a call ends, so that a provider counting requests when they
    /// arrive (later than they were granted) never sees more than the limit in any window.
    /// </summary>
    internal void Restart(Entry entry)
    {
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            var amount = entry.Amount;
            if (!entry.Expired)
            {
                entry.Amount = 0;
                _used -= amount;
            }

            AddEntry(amount, Now);
        }
    }

    private Entry AddEntry(long amount, long now)
    {
        var entry = new Entry(amount, now + _window);
        _log.Enqueue(entry);
        _used += amount;
        if (!_timerArmed)
        {
            _timerArmed = true;
            _timer.Change(TimeSpan.FromTicks(_window), Timeout.InfiniteTimeSpan);
        }

        return entry;
    }

    private void OnTimer()
    {
        List<(Waiter, CancellationTokenRegistration, RateLimitLease)>? granted;
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            var now = Now;
            while (_log.TryPeek(out var head) && head.ExpiresAt <= now)
            {
                _log.Dequeue();
                head.Expired = true;
                _used -= head.Amount;
            }

            if (_log.Count == 0)
            {
                _idleSince = now;
            }

            granted = GrantWaiters(now);
            _timerArmed = _log.TryPeek(out var next);
            if (_timerArmed)
            {
                _timer.Change(TimeSpan.FromTicks(Math.Max(1, next!.ExpiresAt - now)), Timeout.InfiniteTimeSpan);
            }
        }

        Complete(granted);
    }

    /// <summary>One grant in the log: how much it counts for and when it leaves the window (ticks since the limiter was made).</summary>
    internal sealed class Entry(long amount, long expiresAt)
    {
        public long Amount { get; set; } = amount;

        public long ExpiresAt { get; } = expiresAt;

        public bool Expired { get; set; }
    }
}
