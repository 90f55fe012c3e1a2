using System.Threading.RateLimiting;

namespace BatchFactory.Brokers.Resilience;

/// <content>The queue of callers waiting for permits, served first come, first served.</content>
internal sealed partial class SlidingLogRateLimiter
{
    /// <summary>
    /// Under the lock: grants waiters from the front of the queue while the first one fits. Their tasks are completed
    /// by <see cref="Complete"/> once the lock is released.
    /// </summary>
    private List<(Waiter, CancellationTokenRegistration, RateLimitLease)>? GrantWaiters(long now)
    {
        List<(Waiter, CancellationTokenRegistration, RateLimitLease)>? granted = null;
        while (_waiters.First is { } first && _used + first.Value.Count <= _limit)
        {
            _waiters.RemoveFirst();
            (granted ??= []).Add((first.Value, first.Value.Registration, Grant(first.Value.Count, now)));
        }

        return granted;
    }

    /// <summary>A waiter's token was cancelled: it leaves the queue, and those behind it may now fit.</summary>
    private void Cancel(Waiter waiter, CancellationToken token)
    {
        List<(Waiter, CancellationTokenRegistration, RateLimitLease)>? granted = null;
        lock (_lock)
        {
            if (waiter.Node?.List is null)
            {
                return;
            }

            var wasFirst = _waiters.First == waiter.Node;
            _waiters.Remove(waiter.Node);
            if (wasFirst && !_disposed)
            {
                granted = GrantWaiters(Now);
            }
        }

        waiter.Completion.TrySetCanceled(token);
        Complete(granted);
    }

    /// <summary>Outside the lock: hands out the grants (their continuations run asynchronously).</summary>
    private static void Complete(List<(Waiter Waiter, CancellationTokenRegistration Registration, RateLimitLease Lease)>? granted)
    {
        if (granted is null)
        {
            return;
        }

        foreach (var (waiter, registration, lease) in granted)
        {
            registration.Dispose();
            waiter.Completion.TrySetResult(lease);
        }
    }

    /// <summary>A caller waiting for <see cref="Count"/> permits.</summary>
    private sealed class Waiter(SlidingLogRateLimiter limiter, int count)
    {
        public SlidingLogRateLimiter Limiter { get; } = limiter;

        public int Count { get; } = count;

        public TaskCompletionSource<RateLimitLease> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public LinkedListNode<Waiter>? Node { get; set; }

        /// <summary>Read and written under the limiter's lock only.</summary>
        public CancellationTokenRegistration Registration { get; set; }
    }
}
