namespace BatchFactory.Progress;

/// <summary>
/// What both console views share: the ops of the run being shown, and one event handled at a time (a monitor watching
/// two runs at once delivers from two tasks). Errors and completion of the monitor need no drawing.
/// </summary>
internal abstract class RunView : IObserver<RunEvent>
{
    private readonly Lock _lock = new();

    /// <summary>The ops of the run being shown, from its <see cref="RunStarted"/>.</summary>
    protected IReadOnlyList<OpInfo> Nodes { get; private set; } = [];

    public void OnNext(RunEvent value)
    {
        lock (_lock)
        {
            switch (value)
            {
                case RunStarted started:
                    Nodes = started.Nodes;
                    Started(started);
                    break;
                case RunProgress progress:
                    Sampled(progress);
                    break;
                case RunEnded ended:
                    Ended(ended);
                    break;
            }
        }
    }

    public void OnError(Exception error)
    {
    }

    public void OnCompleted()
    {
    }

    protected abstract void Started(RunStarted started);

    protected abstract void Sampled(RunProgress progress);

    protected abstract void Ended(RunEnded ended);
}
