namespace BatchFactory.Brokers.Resilience;

/// <summary>
/// A pause shared by every call through one retrying client: when the provider answers 429 and says how long to wait,
/// no call through the client goes out before then, not only the one that was refused. Without it, the other calls in
/// flight keep hitting a provider that is already refusing, and each earns its own 429.
/// </summary>
internal sealed class CoolDown(TimeProvider time)
{
    private long _untilTicks;

    /// <summary>When the pause ends (in the past when there is none).</summary>
    public DateTimeOffset Until => new(Volatile.Read(ref _untilTicks), TimeSpan.Zero);

    /// <summary>The time now, on the pause's clock.</summary>
    public DateTimeOffset Now => time.GetUtcNow();

    /// <summary>How long the pause still lasts; <see langword="null"/> when there is none.</summary>
    public TimeSpan? Left => Until - time.GetUtcNow() is { Ticks: > 0 } left ? left : null;

    /// <summary>Pauses calls until <paramref name="until"/>, unless a longer pause is already set.</summary>
    public void PauseUntil(DateTimeOffset until)
    {
        var ticks = until.UtcTicks;
        var current = Volatile.Read(ref _untilTicks);
        while (ticks > current)
        {
            var seen = Interlocked.CompareExchange(ref _untilTicks, ticks, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }

    /// <summary>Waits until no pause is set (at once when there is none), telling the call's <see cref="CallScope"/> how long it waited.</summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled while waiting.</exception>
    /// <exception cref="RateLimitedTooLongException">The pause lasts longer than the call may wait (<see cref="CallScope.MaxWait"/>).</exception>
    public ValueTask WaitAsync(CancellationToken cancellationToken) =>
        Until > time.GetUtcNow() ? WaitOutAsync(cancellationToken) : ValueTask.CompletedTask;

    private async ValueTask WaitOutAsync(CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        try
        {
            TimeSpan left;
            while ((left = Until - time.GetUtcNow()) > TimeSpan.Zero)
            {
                // Checked again after each wait: another call's 429 may have made the pause longer meanwhile.
                if (CallScope.Current is { MaxWait: { } bound } scope && left > bound)
                {
                    throw new RateLimitedTooLongException(scope.Request.Model.ToString(), left, bound);
                }

                await Task.Delay(left, time, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            CallScope.Current?.Waited(time.GetElapsedTime(started));
        }
    }
}
