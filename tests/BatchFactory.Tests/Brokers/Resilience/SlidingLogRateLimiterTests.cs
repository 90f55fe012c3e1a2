using System.Threading.RateLimiting;
using BatchFactory.Brokers.Resilience;
using BatchFactory.Tests.Support;

namespace BatchFactory.Tests.Brokers.Resilience;

/// <summary>The sliding log behind the per-minute limits, driven by a fake clock.</summary>
public sealed class SlidingLogRateLimiterTests
{
    private static readonly TimeSpan s_minute = TimeSpan.FromMinutes(1);
    private readonly ManualTimeProvider _time = new();

    [Fact]
    public async Task AcquireAsync_ManyRequestsOverSeveralMinutes_NeverMoreThanTheLimitInAnyMinuteAndTheLimitWhenSaturated()
    {
        using var limiter = new SlidingLogRateLimiter(10, s_minute, _time);
        var pending = Enumerable.Range(0, 35).Select(_ => limiter.AcquireAsync(1, TestContext.Current.CancellationToken).AsTask()).ToList();
        var grantedAt = new TimeSpan?[pending.Count];

        for (var second = 0; second <= 240; second++)
        {
            for (var i = 0; i < pending.Count; i++)
            {
                if (grantedAt[i] is null && pending[i].IsCompleted)
                {
                    Assert.True((await pending[i]).IsAcquired);
                    grantedAt[i] = _time.Elapsed;
                }
            }

            _time.Advance(TimeSpan.FromSeconds(1));
        }

        var times = grantedAt.Select(t => t!.Value).ToList();
        foreach (var start in times)
        {
            Assert.True(times.Count(t => t >= start && t < start + s_minute) <= 10, $"more than 10 grants in the minute from {start}");
        }

        Assert.Equal(
            [(0, 10), (60, 10), (120, 10), (180, 5)],
            times.GroupBy(t => (int)t.TotalSeconds).Select(g => (g.Key, g.Count())).OrderBy(g => g.Key));
    }

    [Fact]
    public void AcquireAsync_WhenWaitersQueue_ServesThemFirstComeFirstServed()
    {
        using var limiter = new SlidingLogRateLimiter(10, s_minute, _time);
        Assert.True(limiter.AttemptAcquire(8).IsAcquired);

        var big = limiter.AcquireAsync(5, TestContext.Current.CancellationToken).AsTask();
        var small = limiter.AcquireAsync(1, TestContext.Current.CancellationToken).AsTask();

        Assert.False(big.IsCompleted);
        Assert.False(small.IsCompleted, "a small request must not overtake the bigger one queued before it");
        Assert.False(limiter.AttemptAcquire(1).IsAcquired);

        _time.Advance(s_minute);

        Assert.True(big.IsCompleted);
        Assert.True(small.IsCompleted);
    }

    [Fact]
    public void Settle_LessThanReserved_GivesTheRestBackAtOnce()
    {
        using var limiter = new SlidingLogRateLimiter(1000, s_minute, _time);
        var first = (SlidingLogLease)limiter.AttemptAcquire(600);
        var second = limiter.AcquireAsync(600, TestContext.Current.CancellationToken).AsTask();
        Assert.False(second.IsCompleted);

        first.Settle(300);

        Assert.True(second.IsCompleted);
        Assert.Equal(100, limiter.GetStatistics()!.CurrentAvailablePermits);
    }

    [Fact]
    public void Settle_MoreThanReserved_ChargesTheOverageUntilItsMinuteHasPassed()
    {
        using var limiter = new SlidingLogRateLimiter(1000, s_minute, _time);
        var first = (SlidingLogLease)limiter.AttemptAcquire(100);
        _time.Advance(TimeSpan.FromSeconds(10));

        first.Settle(1100);
        var next = limiter.AcquireAsync(100, TestContext.Current.CancellationToken).AsTask();
        _time.Advance(TimeSpan.FromSeconds(49));
        Assert.False(next.IsCompleted);

        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(next.IsCompleted);
    }

    [Fact]
    public void Settle_AfterTheGrantsMinuteHasPassed_ChargesTheOverageFromNow()
    {
        using var limiter = new SlidingLogRateLimiter(1000, s_minute, _time);
        var lease = (SlidingLogLease)limiter.AttemptAcquire(100);
        _time.Advance(TimeSpan.FromSeconds(90));

        lease.Settle(1000);

        Assert.False(limiter.AttemptAcquire(101).IsAcquired);
        _time.Advance(s_minute);
        Assert.True(limiter.AttemptAcquire(1000).IsAcquired);
    }

    [Fact]
    public async Task AcquireAsync_Cancelled_ThrowsAndLetsTheNextWaiterThrough()
    {
        using var limiter = new SlidingLogRateLimiter(10, s_minute, _time);
        Assert.True(limiter.AttemptAcquire(5).IsAcquired);
        using var cancel = new CancellationTokenSource();
        var blocked = limiter.AcquireAsync(10, cancel.Token).AsTask();
        var behind = limiter.AcquireAsync(5, TestContext.Current.CancellationToken).AsTask();
        Assert.False(behind.IsCompleted);

        cancel.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => blocked);
        Assert.True(behind.IsCompleted);
        Assert.Equal(0, limiter.GetStatistics()!.CurrentQueuedCount);
    }

    [Fact]
    public async Task Dispose_WithWaiters_GivesThemFailedLeases()
    {
        var limiter = new SlidingLogRateLimiter(1, s_minute, _time);
        Assert.True(limiter.AttemptAcquire(1).IsAcquired);
        var waiting = limiter.AcquireAsync(1, TestContext.Current.CancellationToken).AsTask();

        limiter.Dispose();

        Assert.False((await waiting).IsAcquired);
        Assert.Equal(0, _time.PendingTimers);
    }

    [Fact]
    public void AttemptAcquire_MoreThanTheLimit_Throws()
    {
        using var limiter = new SlidingLogRateLimiter(10, s_minute, _time);

        Assert.Throws<ArgumentOutOfRangeException>(() => limiter.AttemptAcquire(11));
    }

    [Fact]
    public void IdleDuration_AfterTheLastGrantHasLeftTheWindow_CountsFromThen()
    {
        using var limiter = new SlidingLogRateLimiter(10, s_minute, _time);
        Assert.True(limiter.AttemptAcquire(1).IsAcquired);
        Assert.Null(limiter.IdleDuration);

        _time.Advance(s_minute + TimeSpan.FromSeconds(5));

        Assert.Equal(TimeSpan.FromSeconds(5), limiter.IdleDuration);
    }
}
