using BatchFactory.Tests.Support;
using static BatchFactory.Ops;

namespace BatchFactory.Tests.Events;

public sealed class RunMonitorTests
{
    private static Graph Numbers(int count) =>
        FromList(Enumerable.Range(0, count).ToList(), outputKey: "n")
        | Filter((int n) => n % 2 == 0, "n")
        | MapField((int n) => n * 10, "n", "m")
        | ToList("m");

    private static async Task<(RunResult Result, EventRecorder Recorder)> RunWatchedAsync(Graph graph, RunOptions? options = null)
    {
        using var monitor = new RunMonitor();
        var recorder = new EventRecorder();
        using var subscription = monitor.Subscribe(recorder);
        options ??= new RunOptions();
        var result = await graph.RunCheckedAsync(new RunOptions { Monitor = monitor, TimeProvider = options.TimeProvider, Project = options.Project }, TestRuns.Token);
        return (result, recorder);
    }

    [Fact]
    public async Task RunAsync_SmallGraph_PublishesStartedThenFinalProgressThenCompleted()
    {
        var (_, recorder) = await RunWatchedAsync(Numbers(10));

        var events = recorder.Events;
        var started = Assert.IsType<RunStarted>(events[0]);
        Assert.Equal(["FromList", "Filter", "MapField", "ToList"], started.Nodes.Select(o => o.Name));
        Assert.Equal([[], [0], [1], [2]], started.Nodes.Select(o => o.Inputs.ToArray()));
        Assert.Equal(10, started.Nodes[0].KnownCount);
        Assert.True(Assert.IsType<RunProgress>(events[^2]).IsFinal);
        Assert.Equal(RunStatus.Completed, Assert.IsType<RunCompleted>(events[^1]).Summary.Status);
        Assert.Single(events, e => e is RunProgress { IsFinal: true });
    }

    [Fact]
    public async Task RunAsync_FinalProgress_CountsPerOpMatchWhatFlowed()
    {
        var (result, recorder) = await RunWatchedAsync(Numbers(10));

        var final = recorder.Of<RunProgress>().Single(p => p.IsFinal);
        Assert.Equal(result.Nodes, final.Nodes.Select(o => o.Stats));
        Assert.Equal(
            [(0L, 10L, 0L), (10L, 5L, 5L), (5L, 5L, 0L), (5L, 0L, 0L)],
            final.Nodes.Select(o => (o.Stats.In, o.Stats.Out, o.Stats.Dropped)));
        Assert.Equal(result.Summary, recorder.Of<RunCompleted>().Single().Summary);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task RunAsync_Loop_FinalProgressCountsEachOpInsideTheBodyLikeAnyOp(bool fuse)
    {
        using var monitor = new RunMonitor();
        var recorder = new EventRecorder();
        using var subscription = monitor.Subscribe(recorder);
        var graph = FromList(Enumerable.Range(0, 4).ToList(), outputKey: "n") | Repeat(MapField((int n) => n + 1, "n"), 3) | ToList("n");

        var result = await graph.RunCheckedAsync(new RunOptions { Monitor = monitor, FuseEntryOps = fuse }, TestRuns.Token);

        var final = recorder.Of<RunProgress>().Single(p => p.IsFinal);
        Assert.Equal(result.Nodes, final.Nodes.Select(o => o.Stats));
        Assert.Equal(12, final.Nodes.Single(o => o.Stats.Name == "Repeat › MapField").Stats.In);
        Assert.Equal([3, 4, 5, 6], result.Values<int>());
    }

    [Fact]
    public async Task RunAsync_ManualClock_PublishesOneSampleEachIntervalWhileRunning()
    {
        var time = new ManualTimeProvider();
        var gate = new TaskCompletionSource();
        using var monitor = new RunMonitor { SampleInterval = TimeSpan.FromSeconds(1) };
        var recorder = new EventRecorder();
        using var subscription = monitor.Subscribe(recorder);
        var graph = FromList(new[] { 1, 2, 3 }, outputKey: "n") | Apply(_ => gate.Task.Wait(TestRuns.Token)) | ToList("n");

        var run = graph.RunCheckedAsync(new RunOptions { Monitor = monitor, TimeProvider = time }, TestRuns.Token);
        await Eventually.TrueAsync(() => time.PendingTimers > 0, "the sampler's timer is set");
        time.Advance(TimeSpan.FromSeconds(3));
        await Eventually.TrueAsync(() => recorder.Of<RunProgress>().Count == 3, "three samples arrive");
        gate.SetResult();
        await Eventually.Within(run);

        var samples = recorder.Of<RunProgress>();
        Assert.Equal([1.0, 2.0, 3.0, 3.0], samples.Select(s => s.Elapsed.TotalSeconds));
        Assert.Equal([false, false, false, true], samples.Select(s => s.IsFinal));
        Assert.Equal(3, samples[^1].Nodes[2].Stats.In);
    }

    [Fact]
    public async Task Subscriber_ThatThrows_IsUnsubscribedAndLogged_WhileTheRunAndOtherSubscribersGoOn()
    {
        using var monitor = new RunMonitor();
        var thrower = new ThrowingObserver();
        var recorder = new EventRecorder();
        using var first = monitor.Subscribe(thrower);
        using var second = monitor.Subscribe(recorder);
        var logs = new ListLoggerFactory();

        var result = await Numbers(10).RunCheckedAsync(new RunOptions { Monitor = monitor, LoggerFactory = logs }, TestRuns.Token);

        Assert.Equal(5, result.Output.Count);
        Assert.Equal(1, thrower.Calls);
        Assert.IsType<RunStarted>(recorder.Events[0]);
        Assert.IsType<RunCompleted>(recorder.Events[^1]);
        Assert.Contains(logs.Entries, e => e.Level == Microsoft.Extensions.Logging.LogLevel.Warning && e.Message.Contains("subscriber (ThrowingObserver) threw InvalidOperationException", StringComparison.Ordinal));
    }

    [Fact]
    public async Task RunAsync_FailingOp_PublishesRunFaultedWithTheErrorAndTheEntry()
    {
        using var monitor = new RunMonitor();
        var recorder = new EventRecorder();
        using var subscription = monitor.Subscribe(recorder);
        var graph = FromList(new[] { new { id = "a", n = 1 }, new { id = "b", n = 0 } }, idxKey: "id") | MapField((int n) => 10 / n, "n", "q") | ToList("q");

        var ex = await graph.RunFailingAsync<OpException>(new RunOptions { Monitor = monitor }, TestRuns.Token);

        var faulted = Assert.IsType<RunFaulted>(recorder.Events[^1]);
        Assert.Same(ex, faulted.Exception);
        Assert.Equal(RunStatus.Faulted, faulted.Summary.Status);
        var failure = Assert.Single(faulted.Summary.Failures);
        Assert.Equal((1, "MapField", "b"), (failure.Node, failure.OpName, failure.Idx));
        Assert.Contains("DivideByZeroException", failure.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_Cancelled_PublishesRunCancelledLast()
    {
        using var monitor = new RunMonitor();
        var recorder = new EventRecorder();
        using var subscription = monitor.Subscribe(recorder);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(TestRuns.Token);
        var graph = FromList(Enumerable.Range(0, 100).ToList(), outputKey: "n") | Apply(_ => cts.Cancel()) | ToList("n");

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => graph.RunCheckedAsync(new RunOptions { Monitor = monitor }, cts.Token));

        Assert.IsType<RunStarted>(recorder.Events[0]);
        Assert.Equal(RunStatus.Cancelled, Assert.IsType<RunCancelled>(recorder.Events[^1]).Summary.Status);
    }

    [Fact]
    public async Task Dispose_CompletesEverySubscriber_AndLaterRunsPublishNothingToThem()
    {
        var monitor = new RunMonitor();
        var recorder = new EventRecorder();
        monitor.Subscribe(recorder);

        monitor.Dispose();
        await Numbers(4).RunCheckedAsync(new RunOptions { Monitor = monitor }, TestRuns.Token);

        Assert.True(recorder.Completed);
        Assert.Empty(recorder.Events);
        Assert.Throws<ObjectDisposedException>(() => monitor.Subscribe(new EventRecorder()));
    }

    [Fact]
    public async Task Unsubscribed_Observer_GetsNoMoreEvents()
    {
        using var monitor = new RunMonitor();
        var recorder = new EventRecorder();
        monitor.Subscribe(recorder).Dispose();

        await Numbers(4).RunCheckedAsync(new RunOptions { Monitor = monitor }, TestRuns.Token);

        Assert.Empty(recorder.Events);
    }

    [Fact]
    public async Task RunAsync_SampleIntervalTooShort_ThrowsBeforeTheRunStarts()
    {
        var monitor = new RunMonitor { SampleInterval = TimeSpan.FromMilliseconds(1) };

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Numbers(2).RunAsync(new RunOptions { Monitor = monitor }, TestRuns.Token));
    }

    private sealed class ThrowingObserver : IObserver<RunEvent>
    {
        public int Calls { get; private set; }

        public void OnNext(RunEvent value)
        {
            Calls++;
            throw new InvalidOperationException("broken subscriber");
        }

        public void OnError(Exception error)
        {
        }

        public void OnCompleted()
        {
        }
    }
}
