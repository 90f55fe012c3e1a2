using System.Text.Json.Nodes;
using BatchFactory.Testing;
using BatchFactory.Tests.Support;
using static BatchFactory.Ops;

namespace BatchFactory.Tests.Brokers.Batches;

/// <summary>
/// Requests parked while they wait for their batch (ModelBroker.ParkAsync; a chat request folded to its JSON) give what
/// the usual call gives: the same entries, fields in the same order, one line per key, the same counts, and a graceful
/// stop lets them finish.
/// </summary>
public sealed class BatchParkingTests : IAsyncLifetime
{
    private const string Model = "gpt-4o-mini@openai";
    private readonly TempProject _project = new("parking");
    private OpenAICompatibleServer _server = null!;

    public async ValueTask InitializeAsync() => _server = await OpenAICompatibleServer.StartAsync(new TestServerOptions(), TestRuns.Token);

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        await _project.DisposeAsync();
    }

    [Fact]
    public async Task RunAsync_CallLLMInBatch_OutputsTheRequestFieldAsLive_InItsPlace()
    {
        // Escaped and non-ASCII text, a fraction, a sample: the request read back from its JSON is written the same.
        string[] topics = ["café «crème» <b>&amp;</b>", "naïve \"quoted\" \\ back\\slash", "emoji 🎈 and tab\t", "plain"];

        var batch = await CallAsync(topics, CallMode.Batch, _project.Project);
        Assert.Equal((topics.Length, 0L), (_server.BatchedRequests, _server.ChatRequests));
        await using var other = new TempProject("parking-live");
        var live = await CallAsync(topics, CallMode.Live, other.Project);

        Assert.Equal(live.Select(e => string.Join(",", e.Data.Select(p => p.Key))), batch.Select(e => string.Join(",", e.Data.Select(p => p.Key))));
        Assert.Equal(live.Select(e => e.Data["llm_request"]!.ToJsonString()), batch.Select(e => e.Data["llm_request"]!.ToJsonString()));
        Assert.Equal(live.Select(e => (string?)e.Data["llm_response"]!["text"]), batch.Select(e => (string?)e.Data["llm_response"]!["text"]));
    }

    [Fact]
    public async Task RunAsync_DuplicatePromptsInBatch_SendOneLinePerKey_AndAnswerEveryEntry()
    {
        string[] topics = ["a", "b", "a", "c", "b", "a", "c", "a"];
        var g = FromList(topics, outputKey: "topic") | AskLLM("Say {topic}", Model, "answer", new AskOptions { Mode = CallMode.Batch }) | OutputEntries();

        var result = await g.RunAsync(Options(), TestRuns.Token);

        Assert.Equal((1, 3L, 0L), (_server.BatchesCreated, _server.BatchedRequests, _server.ChatRequests));
        Assert.All(result.Entries.Zip(topics), pair => Assert.EndsWith(": Say " + pair.Second, pair.First.Get<string>("answer"), StringComparison.Ordinal));
        Assert.Equal((3L, 5L), (result.Calls, result.CachedCalls));
    }

    [Fact]
    public async Task RunAsync_StopWhileRequestsWaitForTheirBatch_AnswersThemAll()
    {
        var clock = await RestartOnAsync(TimeSpan.FromMinutes(1));
        using var stop = new CancellationTokenSource();

        var running = Numbers(6).RunAsync(Options(clock: clock, stop: stop), TestRuns.Token);
        await Eventually.TrueAsync(() => _server.BatchesCreated == 1, "the batch is created");
        await stop.CancelAsync();
        var stopped = await UntilDoneAsync(running, clock);
        Assert.Equal(6, stopped.Entries.Count);
        Assert.All(stopped.Entries, e => Assert.EndsWith(": Say " + e.Get<int>("n"), e.Get<string>("answer"), StringComparison.Ordinal));
        Assert.Equal((1, 6L), (_server.BatchesCreated, _server.BatchedRequests));
    }

    [Fact]
    public async Task Monitor_ParkedRequests_AreReportedStartedWhenPlaced_AndTheirCallsLastTheBatchsWait()
    {
        var clock = await RestartOnAsync(TimeSpan.FromMinutes(10));
        using var monitor = new RunMonitor();
        var recorder = new EventRecorder();
        using var subscription = monitor.Subscribe(recorder);

        var running = Numbers(5).RunAsync(Options(clock: clock, monitor: monitor), TestRuns.Token);
        await Eventually.TrueAsync(() => _server.BatchesCreated == 1, "the batch is created");
        var startedWhilePending = recorder.Of<CallStarted>().Count;

        Assert.Equal(5, (await UntilDoneAsync(running, clock)).Entries.Count);
        Assert.Equal(5, startedWhilePending);
        var finished = recorder.Of<CallFinished>();
        Assert.Equal(5, finished.Count);
        Assert.All(finished, f => Assert.True(f.Duration >= TimeSpan.FromMinutes(10), $"a call lasted {f.Duration}, not the batch's 10 minutes"));
    }

    private static Graph Numbers(int count) =>
        FromList(Enumerable.Range(0, count).ToList(), outputKey: "n") | AskLLM("Say {n}", Model, "answer", new AskOptions { Mode = CallMode.Batch }) | OutputEntries();

    // The run, its clock moved on until it ends (the batch's processing time passes, its polls come).
    private static async Task<RunResult> UntilDoneAsync(Task<RunResult> running, ManualTimeProvider clock)
    {
        while (!running.IsCompleted)
        {
            await Task.Delay(5, TestRuns.Token);
            clock.Advance(TimeSpan.FromSeconds(30));
        }

        return await running;
    }

    // A server whose batches take `processing` on a manual clock, the run's clock too.
    private async Task<ManualTimeProvider> RestartOnAsync(TimeSpan processing)
    {
        var clock = new ManualTimeProvider();
        await _server.DisposeAsync();
        _server = await OpenAICompatibleServer.StartAsync(new TestServerOptions { BatchProcessingTime = processing, TimeProvider = clock }, TestRuns.Token);
        return clock;
    }

    private async Task<List<Entry>> CallAsync(string[] topics, CallMode mode, ProjectFolder project)
    {
        var request = new RequestOptions { SystemPrompt = "Be brief.", Llm = new LlmOptions { Temperature = 0.7 }, Sample = 2 };
        var g = FromList(topics, outputKey: "topic")
            | GenerateLLMRequest("Say {topic}", Model, options: request)
            | CallLLM(options: new CallOptions { Mode = mode })
            | OutputEntries();
        return [.. (await g.RunAsync(Options(project), TestRuns.Token)).Entries];
    }

    private RunOptions Options(ProjectFolder? project = null, TimeProvider? clock = null, CancellationTokenSource? stop = null, RunMonitor? monitor = null) => new()
    {
        Project = project ?? _project.Project,
        TimeProvider = clock ?? TimeProvider.System,
        Models = LoopbackModels.For(_server, "sk-parking"),
        StopToken = stop?.Token ?? default,
        Monitor = monitor,
    };
}
