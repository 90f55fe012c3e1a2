namespace BatchFactory.Tests.Support;

/// <summary>An observer of run events that keeps them, in the order they arrived.</summary>
public sealed class EventRecorder : IObserver<RunEvent>
{
    private readonly List<RunEvent> _events = [];

    public IReadOnlyList<RunEvent> Events
    {
        get
        {
            lock (_events)
            {
                return [.. _events];
            }
        }
    }

    public bool Completed { get; private set; }

    public IReadOnlyList<T> Of<T>() => [.. Events.OfType<T>()];

    public void OnNext(RunEvent value)
    {
        lock (_events)
        {
            _events.Add(value);
        }
    }

    public void OnError(Exception error)
    {
    }

    public void OnCompleted() => Completed = true;
}
