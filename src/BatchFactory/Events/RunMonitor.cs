using BatchFactory.Logging;
using Microsoft.Extensions.Logging;

namespace BatchFactory;

/// <summary>
/// Watches runs: pass it as <see cref="RunOptions.Monitor"/> and subscribe any number of observers (a console view, a
/// log, your own code; System.Reactive's operators work on it, e.g. <c>monitor.OfType&lt;CallFailed&gt;()</c>).
/// </summary>
/// <remarks>
/// <para>
/// Each run publishes <see cref="RunStarted"/>, then <see cref="RunProgress"/> samples every <see cref="SampleInterval"/>
/// and an event per model call (<see cref="CallStarted"/>, <see cref="CallFinished"/>, <see cref="CallCached"/>,
/// <see cref="CallRetried"/>, <see cref="CallFailed"/>), then a final <see cref="RunProgress"/> whose counts are the
/// run's totals, then <see cref="RunCompleted"/>, <see cref="RunCancelled"/> or <see cref="RunFaulted"/>.
/// Per-entry work is never reported one entry at a time: progress comes from counters the ops keep anyway.
/// </para>
/// <para>
/// Events reach observers in order, one at a time, on a task of their own, never inside the ops' work: a slow
/// observer does not slow the run. If observers fall more than <see cref="Capacity"/> events behind,
/// further call events and samples are dropped (counted in <see cref="DroppedEvents"/>); <see cref="RunStarted"/>, the
/// final sample and the end of the run are never dropped, and <c>RunAsync</c> returns only after observers have
/// seen them. An observer that throws is unsubscribed (the exception is logged as a warning); the run and the other
/// observers go on. A monitor may watch several runs in turn; <see cref="Dispose"/> completes every observer.
/// </para>
/// </remarks>
public sealed class RunMonitor : IObservable<RunEvent>, IDisposable
{
    private readonly Lock _lock = new();
    private IObserver<RunEvent>[] _observers = [];
    private long _dropped;
    private bool _disposed;

    /// <summary>How often a run publishes a <see cref="RunProgress"/> sample. Default 250 ms; at least 10 ms.</summary>
    public TimeSpan SampleInterval { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>How many events may wait for observers before call events and samples are dropped. Default 10,000; at least 16.</summary>
    public int Capacity { get; init; } = 10_000;

    /// <summary>Events dropped so far because observers fell <see cref="Capacity"/> events behind.</summary>
    public long DroppedEvents => Interlocked.Read(ref _dropped);

    /// <summary>Subscribes <paramref name="observer"/> to the events of every run this monitor watches from now on.</summary>
    /// <param name="observer">Gets the events in order, on a task of the run's, never concurrently.</param>
    /// <returns>Dispose it to unsubscribe.</returns>
    /// <exception cref="ObjectDisposedException">The monitor was disposed.</exception>
    public IDisposable Subscribe(IObserver<RunEvent> observer)
    {
        ArgumentNullException.ThrowIfNull(observer);
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _observers = [.. _observers, observer];
        }

        return new Subscription(this, observer);
    }

    /// <summary>Calls <see cref="IObserver{T}.OnCompleted"/> on every observer and unsubscribes them all. Safe to call more than once.</summary>
    public void Dispose()
    {
        IObserver<RunEvent>[] observers;
        lock (_lock)
        {
            _disposed = true;
            observers = _observers;
            _observers = [];
        }

        foreach (var observer in observers)
        {
            observer.OnCompleted();
        }
    }

    internal void Validate()
    {
        if (SampleInterval < TimeSpan.FromMilliseconds(10))
        {
            throw new ArgumentOutOfRangeException(nameof(SampleInterval), SampleInterval, "RunMonitor.SampleInterval must be at least 10 ms.");
        }

        if (Capacity < 16)
        {
            throw new ArgumentOutOfRangeException(nameof(Capacity), Capacity, "RunMonitor.Capacity must be at least 16.");
        }
    }

    internal void CountDropped() => Interlocked.Increment(ref _dropped);

    /// <summary>Gives <paramref name="runEvent"/> to every observer; one that throws is unsubscribed and logged.</summary>
    internal void Deliver(RunEvent runEvent, ILogger logger, SecretRedactor secrets)
    {
        foreach (var observer in Volatile.Read(ref _observers))
        {
            try
            {
                observer.OnNext(runEvent);
            }
            catch (Exception ex)
            {
                Remove(observer);
                RunLog.SubscriberFailed(logger, observer.GetType().Name, secrets.Describe(ex));
            }
        }
    }

    private void Remove(IObserver<RunEvent> observer)
    {
        lock (_lock)
        {
            _observers = [.. _observers.Where(o => !ReferenceEquals(o, observer))];
        }
    }

    private sealed class Subscription(RunMonitor monitor, IObserver<RunEvent> observer) : IDisposable
    {
        public void Dispose() => monitor.Remove(observer);
    }
}
