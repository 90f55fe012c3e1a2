namespace BatchFactory.Benchmarks.Throughput;

/// <summary>
/// Samples the managed heap on a dedicated background thread (not the thread pool, which the pipeline keeps busy)
/// every ~10 ms and keeps two peaks: <see cref="GC.GetTotalMemory(bool)"/> without forcing a collection, which counts
/// everything allocated and not yet collected (so it includes garbage waiting for the next GC and depends on the
/// GC's budgets), and the heap size right after the latest GC (<see cref="GCMemoryInfo.HeapSizeBytes"/>), which is
/// closer to what the run keeps alive.
/// </summary>
internal sealed class MemorySampler
{
    private readonly Thread _thread;
    private readonly TimeSpan _interval;
    private volatile bool _stop;
    private long _peak;
    private long _peakAfterGc;
    private long _lastGcIndex;

    private MemorySampler(TimeSpan interval)
    {
        _interval = interval;
        _peak = GC.GetTotalMemory(false);
        _lastGcIndex = GC.GetGCMemoryInfo(GCKind.Any).Index;
        _thread = new Thread(Loop) { IsBackground = true, Name = "heap sampler", Priority = ThreadPriority.AboveNormal };
    }

    public static MemorySampler Start(TimeSpan interval)
    {
        var sampler = new MemorySampler(interval);
        sampler._thread.Start();
        return sampler;
    }

    /// <summary>Stops sampling and returns the peaks in bytes: the heap including uncollected garbage, and the heap right after a GC (0 when no GC ran).</summary>
    public (long Peak, long PeakAfterGc) Stop()
    {
        _stop = true;
        _thread.Join();
        Sample();
        return (_peak, _peakAfterGc);
    }

    private void Loop()
    {
        while (!_stop)
        {
            Sample();
            Thread.Sleep(_interval);
        }
    }

    private void Sample()
    {
        var now = GC.GetTotalMemory(false);
        if (now > _peak)
        {
            _peak = now;
        }

        // Only GCs that happened during the run count (the forced full GC before it is excluded).
        var info = GC.GetGCMemoryInfo(GCKind.Any);
        if (info.Index > _lastGcIndex && info.HeapSizeBytes > _peakAfterGc)
        {
            _peakAfterGc = info.HeapSizeBytes;
        }
    }
}
