namespace BatchFactory.Benchmarks.Throughput;

/// <summary>
/// The subscriber of the "subscriber" scenarios: what a progress view does with events, without drawing. It counts the
/// events and keeps the last op's entries in from each progress sample, so the harness can check the final one.
/// </summary>
internal sealed class CountingSubscriber : IObserver<RunEvent>
{
    public long Events { get; private set; }

    public long LastIn { get; private set; }

    public void OnNext(RunEvent value)
    {
        Events++;
        if (value is RunProgress progress)
        {
            LastIn = progress.Nodes[^1].Stats.In;
        }
    }

    public void OnError(Exception error)
    {
    }

    public void OnCompleted()
    {
    }
}
