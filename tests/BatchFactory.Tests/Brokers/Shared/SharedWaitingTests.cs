using System.Diagnostics;
using System.Collections.Concurrent;
using BatchFactory.Testing;
using BatchFactory.Tests.Support;
using static BatchFactory.Ops;

namespace BatchFactory.Tests.Brokers.Shared;

/// <summary>
/// A worker whose first entries are claimed by another (slow) worker of the same PostgreSQL project: its waiting entries
/// give their op's places to the next ones, and what the other worker answers reaches it as served, not as its calls.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class SharedWaitingTests(PostgresServer postgres) : IAsyncLifetime
{
    private const string Key = "sk-shared-waiting-5";
    private const string Model = "gpt-4o-mini@openai";
    private const int Held = 4;
    private const int Entries = 10;

    private readonly TempFolder _data = new();
    private readonly ManualResetEventSlim _release = new();
    private readonly ConcurrentDictionary<string, int> _askedOfWaiter = new(StringComparer.Ordinal);
    private int _askedOfHolder;
    private OpenAICompatibleServer _holderServer = null!;
    private OpenAICompatibleServer _waiterServer = null!;

    public async ValueTask InitializeAsync()
    {
        // The holder's server keeps every request until released (bounded: a minute at most).
        _holderServer = await OpenAICompatibleServer.StartAsync(
            new TestServerOptions
            {
                MaxRecordedRequests = 0,
                FailureSelector = _ =>
                {
                    Interlocked.Increment(ref _askedOfHolder);
                    _release.Wait(TimeSpan.FromMinutes(1));
                    return null;
                },
            },
            TestRuns.Token);
        _waiterServer = await CountingServer.StartAsync(_askedOfWaiter);
    }

    public async ValueTask DisposeAsync()
    {
        _release.Set();
        await _holderServer.DisposeAsync();
        await _waiterServer.DisposeAsync();
        _release.Dispose();
        _data.Dispose();
    }

    [Fact]
    public async Task RunAsync_FirstEntriesClaimedByASlowWorker_TheOtherWorkerAnswersTheRestMeanwhileAndCountsTheHeldOnesAsServed()
    {
        var database = postgres.NewDatabase();
        await using var holderProject = Project(database, "holder");
        await using var waiterProject = Project(database, "waiter");

        // The holder claims the first entries' requests and keeps them in flight.
        var holder = Graph(Held, concurrency: Held).RunCheckedAsync(Options(holderProject, _holderServer), TestRuns.Token);
        await WaitUntilAsync(() => Volatile.Read(ref _askedOfHolder) == Held);

        // The waiter, with two places at its op, meets the held requests first: they wait without their places.
        using var monitor = new RunMonitor();
        var recorder = new EventRecorder();
        using var subscription = monitor.Subscribe(recorder);
        var waiter = Graph(Entries, concurrency: 2).RunCheckedAsync(Options(waiterProject, _waiterServer, monitor), TestRuns.Token);
        await WaitUntilAsync(() => _askedOfWaiter.Count == Entries - Held);
        Assert.False(waiter.IsCompleted);

        _release.Set();
        await holder;
        var result = await waiter;

        Assert.Equal([.. Enumerable.Range(0, Entries).Select(i => $"Echo[gpt-4o-mini]: Q t{i}")], result.Values().Select(v => v!.GetValue<string>()));
        Assert.Equal((Entries - Held, Held), (result.Calls, result.CachedCalls));
        Assert.DoesNotContain(_askedOfWaiter.Keys, k => Enumerable.Range(0, Held).Any(i => k == $"Q t{i}"));
        Assert.Equal(Entries - Held, recorder.Of<CallStarted>().Count);
        Assert.Equal(Entries - Held, recorder.Of<CallFinished>().Count);
        Assert.Equal([.. Enumerable.Range(0, Held).Select(i => $"t{i}")], recorder.Of<CallCached>().Select(c => c.Idx).Order());
    }

    [Fact]
    public async Task RunAsync_TwoEntriesOfOnePlaceAskTheRequestAnotherWorkerHolds_NeitherBlocksTheOther_AndBothGetItsAnswer()
    {
        var database = postgres.NewDatabase();
        await using var holderProject = Project(database, "holder");
        await using var waiterProject = Project(database, "waiter");
        var holder = Graph(1, concurrency: 1).RunCheckedAsync(Options(holderProject, _holderServer), TestRuns.Token);
        await WaitUntilAsync(() => Volatile.Read(ref _askedOfHolder) == 1);

        // One place: the first entry waits for the holder without it; the second joins the first's request without it
        // too, so the first, looking again every poll, is never stuck behind the second.
        var twins = FromList([new { id = "a", topic = "t0" }, new { id = "b", topic = "t0" }], idxKey: "id")
            | AskLLM("Q {topic}", Model, "answer", new AskOptions { Concurrency = 1 })
            | ToList("answer");
        var waiter = twins.RunCheckedAsync(Options(waiterProject, _waiterServer), TestRuns.Token);
        await Task.Delay(TimeSpan.FromMilliseconds(500), TestRuns.Token);
        _release.Set();
        await holder;
        var result = await waiter.WaitAsync(TimeSpan.FromMinutes(1), TestRuns.Token);

        Assert.Equal(["Echo[gpt-4o-mini]: Q t0", "Echo[gpt-4o-mini]: Q t0"], result.Values().Select(v => v!.GetValue<string>()));
        Assert.Empty(_askedOfWaiter);
    }

    [Fact]
    public async Task RunAsync_Traced_EachRequestAnsweredByAnotherWorkerIsOneSpan_MarkedAsAHitAnsweredElsewhere()
    {
        var database = postgres.NewDatabase();
        await using var holderProject = Project(database, "holder");
        await using var waiterProject = Project(database, "waiter");
        var holder = Graph(Held, concurrency: Held).RunCheckedAsync(Options(holderProject, _holderServer), TestRuns.Token);
        await WaitUntilAsync(() => Volatile.Read(ref _askedOfHolder) == Held);

        // The waiter's spans, told apart from other tests' by the trace of a parent span started here.
        using var testSource = new ActivitySource("BatchFactory.Tests.SharedWaiting");
        var spans = new ConcurrentQueue<Activity>();
        ActivityTraceId trace = default;
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is BatchFactoryTelemetry.Name || source == testSource,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                if (activity.Source.Name == BatchFactoryTelemetry.Name && activity.TraceId == trace && activity.GetTagItem("gen_ai.operation.name") is not null)
                {
                    spans.Enqueue(activity);
                }
            },
        };
        ActivitySource.AddActivityListener(listener);
        Task<RunResult> waiter;
        using (var parent = testSource.StartActivity("waiter")!)
        {
            trace = parent.TraceId;
            waiter = Graph(Entries, concurrency: 2).RunCheckedAsync(Options(waiterProject, _waiterServer), TestRuns.Token);
        }

        await WaitUntilAsync(() => _askedOfWaiter.Count == Entries - Held);
        _release.Set();
        await holder;
        await waiter;

        var held = spans.Where(s => s.GetTagItem("batchfactory.answered_elsewhere") is true).ToList();
        Assert.Equal([.. Enumerable.Range(0, Held).Select(i => $"t{i}")], held.Select(s => (string)s.GetTagItem("batchfactory.entry.idx")!).Order());
        Assert.All(held, s => Assert.Equal(true, s.GetTagItem("batchfactory.cache.hit")));
        Assert.Equal(Entries, spans.Count);
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(TestRuns.Token);
        bound.CancelAfter(TimeSpan.FromMinutes(1));
        while (!condition())
        {
            await Task.Delay(20, bound.Token);
        }
    }

    private ProjectFolder Project(string database, string worker) =>
        ProjectFolder.Open("waiting", "1", new ProjectFolderOptions { DataDirectory = Path.Combine(_data.Path, worker), Backend = LedgerBackend.Postgres(database) });

    private static Graph Graph(int entries, int concurrency) =>
        FromList(Enumerable.Range(0, entries).Select(i => new { id = $"t{i}", topic = $"t{i}" }), idxKey: "id")
        | AskLLM("Q {topic}", Model, "answer", new AskOptions { Concurrency = concurrency })
        | ToList("answer");

    private static RunOptions Options(ProjectFolder project, OpenAICompatibleServer server, RunMonitor? monitor = null) => new()
    {
        Project = project,
        Monitor = monitor,
        Models = LoopbackModels.For(server, Key),
        Sharing = new SharingOptions { PollInterval = TimeSpan.FromMilliseconds(100) },
    };
}
