namespace BatchFactory.Events;

/// <summary>
/// Publishes a <see cref="RunProgress"/> sample of every op's counters every <see cref="RunMonitor.SampleInterval"/>,
/// on a timer of the run's <see cref="RunOptions.TimeProvider"/>, until stopped. The ops' threads only keep their
/// counters; they never see the sampler.
/// </summary>
internal sealed class ProgressSampler : IDisposable
{
    private readonly Lock _lock = new();
    private readonly ProgressEstimator _estimator;
    private readonly Func<(IReadOnlyList<OpStats> Stats, TimeSpan Elapsed)> _read;
    private readonly Action<RunProgress> _publish;
    private readonly Action<Exception> _failed;
    private readonly ITimer _timer;
    private bool _stopped;

    // failed: told when a sample cannot be taken; sampling stops then (the run goes on, the final sample is still taken).
    public ProgressSampler(IReadOnlyList<OpInfo> ops, TimeProvider time, TimeSpan interval, Func<(IReadOnlyList<OpStats>, TimeSpan)> read, Action<RunProgress> publish, Action<Exception> failed)
    {
        _estimator = new ProgressEstimator(ops);
        _read = read;
        _publish = publish;
        _failed = failed;
        _timer = time.CreateTimer(static state => ((ProgressSampler)state!).Tick(), this, interval, interval);
    }

    /// <summary>Stops the timer and returns the final sample, from counts read after every op stopped.</summary>
    public RunProgress Final(IReadOnlyList<OpStats> stats, TimeSpan elapsed)
    {
        lock (_lock)
        {
            _stopped = true;
            _timer.Dispose();
            return new RunProgress(elapsed, _estimator.Estimate(stats, elapsed), IsFinal: true);
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _stopped = true;
            _timer.Dispose();
        }
    }

    private void Tick()
    {
        lock (_lock)
        {
            if (_stopped)
            {
                return;
            }

            // A timer callback that throws would take the process down.
            try
            {
                var (stats, elapsed) = _read();
                _publish(new RunProgress(elapsed, _estimator.Estimate(stats, elapsed), IsFinal: false));
            }
            catch (Exception ex)
            {
                _stopped = true;
                _failed(ex);
            }
        }
    }
}
