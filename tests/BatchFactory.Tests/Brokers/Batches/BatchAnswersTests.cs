using System.Text.Json.Nodes;
using BatchFactory.Testing;
using BatchFactory.Tests.Support;
using static BatchFactory.Ops;

namespace BatchFactory.Tests.Brokers.Batches;

/// <summary>Batch mode over HTTP: the real OpenAI SDK against the loopback server's files and batches endpoints.</summary>
public sealed class BatchAnswersTests : IAsyncLifetime
{
    private const string Key = "sk-batch-secret-16";
    private const string Model = "gpt-4o-mini@openai";
    private readonly TempProject _project = new("batches");
    private OpenAICompatibleServer _server = null!;

    public ValueTask InitializeAsync() => StartAsync(new TestServerOptions());

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        await _project.DisposeAsync();
    }

    [Fact]
    public async Task RunAsync_Batch_SendsNoChatRequest_AndAnswersAsLive()
    {
        var batch = await AskAsync(Topics(10), CallMode.Batch);

        Assert.Equal(0, _server.ChatRequests);
        Assert.Equal((1, 10), (_server.BatchesCreated, _server.BatchedRequests));
        Assert.Equal(1, _server.FilesUploaded);
        await using var other = new TempProject("live");
        var live = await AskAsync(Topics(10), CallMode.Live, project: other.Project);
        Assert.Equal(live, batch);
    }

    [Fact]
    public async Task RunAsync_LiveThenBatchThenLive_NeverRepeatsARequest()
    {
        await AskAsync(Topics(6), CallMode.Live);
        Assert.Equal(6, _server.ChatRequests);

        var batch = await AskAsync(Topics(10), CallMode.Batch);
        Assert.Equal(6, _server.ChatRequests);
        Assert.Equal(4, _server.BatchedRequests);

        var live = await AskAsync(Topics(10), CallMode.Live);
        Assert.Equal(6, _server.ChatRequests);
        Assert.Equal(4, _server.BatchedRequests);
        Assert.Equal(1, _server.BatchesCreated);
        Assert.Equal(batch, live);
    }

    [Fact]
    public async Task RunAsync_SmallMaxRequestsPerBatch_SplitsIntoBatchesOfThatSize()
    {
        await AskAsync(Topics(10), CallMode.Batch, new BatchOptions { MaxRequestsPerBatch = 4 });

        Assert.Equal(3, _server.BatchesCreated);
        Assert.Equal([4, 4, 2], _server.Batches.Select(b => b.Requests).Order().Reverse().ToArray());
        Assert.Equal(0, _server.ChatRequests);
    }

    [Fact]
    public async Task RunAsync_MaxWaitingPerOp_SubmitsWhenTheOpIsFull_AndTakesInMoreAsAnswersArrive()
    {
        // FlushAfter never passes on this clock, and a file could hold 50,000 requests: only a full op submits.
        var clock = new ManualTimeProvider();
        var options = new BatchOptions { MaxWaitingPerOp = 3, FlushAfter = TimeSpan.FromHours(1) };
        using var giveUp = CancellationTokenSource.CreateLinkedTokenSource(TestRuns.Token);
        giveUp.CancelAfter(TimeSpan.FromSeconds(60));

        var result = await RunAsync(Topics(10), CallMode.Batch, options, clock: clock, kill: giveUp);

        Assert.Equal(10, result.Entries.Count);
        Assert.Equal(10, _server.BatchedRequests);
        Assert.All(_server.Batches, b => Assert.InRange(b.Requests, 1, 3));
        Assert.True(_server.BatchesCreated >= 4, $"{_server.BatchesCreated} batches for 10 requests, at most 3 waiting");
        Assert.Equal(0, _server.ChatRequests);
    }

    [Fact]
    public async Task RunAsync_WithoutWaiting_SubmitsAndEnds_ThenARerunCollectsWithoutResubmitting()
    {
        var first = await RunAsync(Topics(8), CallMode.Batch, new BatchOptions { WaitForResults = false });

        Assert.Empty(first.Entries);
        Assert.Equal((1, 8), (_server.BatchesCreated, _server.BatchedRequests));

        var second = await AskAsync(Topics(8), CallMode.Batch);

        Assert.Equal(8, second.Count);
        Assert.Equal((1, 8, 0L), (_server.BatchesCreated, _server.BatchedRequests, _server.ChatRequests));
        var third = await AskAsync(Topics(8), CallMode.Batch);
        Assert.Equal(second, third);
        Assert.Equal(1, _server.BatchesCreated);
    }

    [Fact]
    public async Task RunAsync_BatchRecordNamesItsSubmission_ItsKeysAreWrittenOnce_AndARecordHoldingThemIsStillTakenUp()
    {
        await RunAsync(Topics(4), CallMode.Batch, new BatchOptions { WaitForResults = false });
        var ledger = await _project.Project.OpenLedgerAsync("batches", TestRuns.Token);
        var id = Assert.Single(_server.Batches).Id;
        var record = Assert.IsType<JsonObject>(await ledger.TryGetAsync("batch/" + id, TestRuns.Token));
        var submission = Assert.IsType<JsonObject>(await ledger.TryGetAsync("submission/" + record["submission"]!.GetValue<string>(), TestRuns.Token));

        Assert.Null(record["keys"]);
        Assert.Equal(4, submission["keys"]!.AsArray().Count);

        // As the library wrote it before: the keys in the batch record too. A rerun takes it up from those.
        record["keys"] = submission["keys"]!.DeepClone();
        await ledger.AppendAsync("batch/" + id, record, TestRuns.Token);
        await ledger.FlushAsync(TestRuns.Token);
        var answers = await AskAsync(Topics(4), CallMode.Batch);

        Assert.Equal(4, answers.Count);
        Assert.Equal((1, 4, 0L), (_server.BatchesCreated, _server.BatchedRequests, _server.ChatRequests));
    }

    [Fact]
    public async Task RunAsync_ExpiredBatch_KeepsTheAnsweredHalf_AndResubmitsOnlyTheRest()
    {
        await RestartAsync(new TestServerOptions { BatchAnsweredBeforeExpiry = 0.5 });

        var answers = await AskAsync(Topics(10), CallMode.Batch);

        Assert.Equal(10, answers.Count);
        Assert.Equal(["completed", "expired"], _server.Batches.Select(b => b.Status).Order().ToArray());
        Assert.Equal((2, 15), (_server.BatchesCreated, _server.BatchedRequests));
    }

    [Fact]
    public async Task RunAsync_ExpiredBatchsStatusCannotBeRecorded_TheRequestsSentAgainAreStillAnswered_AndTheSummaryWarns()
    {
        await RestartAsync(new TestServerOptions { BatchAnsweredBeforeExpiry = 0.5 });
        using var folder = new TempFolder();
        var backend = new FailingAppendsBackend(LedgerBackend.Jsonl, (key, record) => key.EndsWith("/status", StringComparison.Ordinal) && record["status"]?.GetValue<string>() == "expired" && record["collected"]?.GetValue<bool>() == true);
        await using var project = ProjectFolder.Open("failing", "1", new ProjectFolderOptions { DataDirectory = folder.Path, Backend = backend });

        var run = await RunAsync(Topics(10), CallMode.Batch, project: project);

        // The half the expired batch did not answer went into a second batch before its status (collected) failed to be written.
        Assert.Equal(Topics(10).Select(t => $"Echo[gpt-4o-mini]: Say {t}"), run.Entries.Select(e => e.Get<string>("answer")));
        Assert.Equal((2, 15), (_server.BatchesCreated, _server.BatchedRequests));
        Assert.Contains("the disk is full", Assert.Single(run.Summary.BatchWarnings));
    }

    [Fact]
    public async Task RunAsync_BatchExpiresAfterItsRequestsWereAnsweredLive_ServesThemFromTheLedger_InsteadOfSubmittingThemAgain()
    {
        var clock = new ManualTimeProvider();
        await RestartAsync(new TestServerOptions { BatchProcessingTime = TimeSpan.FromHours(1), BatchAnsweredBeforeExpiry = 0, TimeProvider = clock });

        var batch = RunAsync(Topics(5), CallMode.Batch, clock: clock);
        await Eventually.TrueAsync(() => _server.BatchesCreated == 1, "the batch run submits its batch");
        // Meanwhile another run on the project asks the same requests live, and stores their answers.
        var live = await AskAsync(Topics(5), CallMode.Live);
        for (var i = 0; i < 1000 && !batch.IsCompleted; i++)
        {
            clock.Advance(TimeSpan.FromMinutes(10));
            await Task.Delay(5, TestRuns.Token);
        }

        var result = await batch;

        Assert.Equal(live, [.. result.Entries.Select(e => e.Get<string>("answer"))]);
        Assert.Equal("expired", Assert.Single(_server.Batches).Status);
        Assert.Equal((1, 5, 5L), (_server.BatchesCreated, _server.BatchedRequests, _server.ChatRequests));
    }

    [Fact]
    public async Task RunAsync_BatchTakenUpForItsAnswersCannotBeRead_TheSummaryWarns_AndALaterRunCollectsIt()
    {
        string? failing = null;
        await RestartAsync(new TestServerOptions { BatchFailureSelector = call => call == Volatile.Read(ref failing) ? Failure.HttpStatus(403) : null });
        await RunAsync(Topics(4), CallMode.Batch, new BatchOptions { WaitForResults = false });
        Volatile.Write(ref failing, "GET /v1/batches/" + Assert.Single(_server.Batches).Id);

        // A run asking something else takes the pending batch up for its answers, and cannot read it.
        var other = await RunAsync(["another topic"], CallMode.Batch);
        Volatile.Write(ref failing, null);
        var later = await AskAsync(Topics(4), CallMode.Batch);

        Assert.Contains(other.Summary.BatchWarnings, warning => warning.Contains("could not be collected", StringComparison.Ordinal));
        Assert.Equal(4, later.Count);
        Assert.Equal((2, 0L), (_server.BatchesCreated, _server.ChatRequests));
    }

    [Fact]
    public async Task RunAsync_ErrorLines_FollowTheFailurePolicy_AndARerunSendsOnlyThose()
    {
        await RestartAsync(new TestServerOptions { BatchFailedLineFraction = 0.2, BatchesToExpire = 0 });

        var emitted = await RunAsync(Topics(10), CallMode.Batch, options: new AskOptions { Mode = CallMode.Batch, OnFailure = OnCallFailure.Emit });
        Assert.Equal(2, emitted.Entries.Count(e => e.Data["status"]?.GetValue<string>() == "failed"));

        await using var other = new TempProject("stay");
        var stayed = await RunAsync(Topics(10), CallMode.Batch, project: other.Project);
        Assert.Equal(8, stayed.Entries.Count);
        Assert.Equal(RunStatus.CompletedWithFailures, stayed.Summary.Status);
        var before = _server.BatchedRequests;

        await RestartAsync(new TestServerOptions());
        var rerun = await RunAsync(Topics(10), CallMode.Batch, project: other.Project);
        Assert.Equal(10, rerun.Entries.Count);
        Assert.Equal(2, _server.BatchedRequests);
        Assert.True(before > 0);
    }

    [Fact]
    public async Task RunAsync_TokenBudget_KeepsTheServersEnqueuedTokensUnderTheLimit()
    {
        await RestartAsync(new TestServerOptions { MaxEnqueuedTokens = 3_000 });

        var answers = await AskAsync(Topics(20), CallMode.Batch, new BatchOptions { MaxEnqueuedTokens = 3_000, ExpectedOutputTokens = 256 });

        Assert.Equal(20, answers.Count);
        Assert.Equal(0, _server.TokenLimitRejections);
        Assert.InRange(_server.PeakEnqueuedTokens, 1, 3_000);
        Assert.True(_server.BatchesCreated > 1);
    }

    [Fact]
    public async Task RunAsync_TokenLimitExceeded_HalvesTheBatch_AndAnswersEverything()
    {
        await RestartAsync(new TestServerOptions { MaxEnqueuedTokens = 20 });

        var answers = await AskAsync(Topics(8), CallMode.Batch, new BatchOptions { ExpectedOutputTokens = 0 });

        Assert.Equal(8, answers.Count);
        Assert.True(_server.TokenLimitRejections >= 1);
        Assert.Equal(0, _server.ChatRequests);
        Assert.InRange(_server.PeakEnqueuedTokens, 1, 20);
    }

    [Fact]
    public async Task RunAsync_AutoBelowLiveBelow_SendsLive()
    {
        await AskAsync(Topics(5), CallMode.Auto, new BatchOptions { LiveBelow = 10 });

        Assert.Equal(5, _server.ChatRequests);
        Assert.Equal(0, _server.BatchesCreated);
    }

    [Fact]
    public async Task RunAsync_AutoAboveLiveBelow_Batches()
    {
        await AskAsync(Topics(12), CallMode.Auto, new BatchOptions { LiveBelow = 10 });

        Assert.Equal(0, _server.ChatRequests);
        Assert.Equal(1, _server.BatchesCreated);
    }

    [Fact]
    public async Task RunAsync_BatchOnTheOfflineProvider_AnswersLive()
    {
        var result = await (Source(Topics(3)) | AskLLM("Say {topic}", "m@offline", "answer", new AskOptions { Mode = CallMode.Batch }) | OutputEntries())
            .RunCheckedAsync(new RunOptions { Project = _project.Project }, TestRuns.Token);

        Assert.Equal(3, result.Entries.Count);
        Assert.Equal(0, _server.BatchesCreated);
        Assert.Equal(new LiveInstead("m@offline", 3, "no batch API"), Assert.Single(result.Summary.AnsweredLive));
        Assert.Contains("3 batch requests of m@offline were answered live: its provider has no batch API.", result.Summary.Format(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task EmbedText_Batch_StoresTheSameVectorsAsLive()
    {
        var graph = (CallMode mode) => Source(Topics(5)) | EmbedText("topic", "text-embedding-3-small@openai", "vector", new EmbedOptions { Mode = mode }) | OutputEntries();
        var batch = await graph(CallMode.Batch).RunCheckedAsync(Options(null), TestRuns.Token);
        Assert.Equal((0L, 1L), (_server.EmbeddingRequests, _server.BatchesCreated));

        await using var other = new TempProject("live");
        var live = await graph(CallMode.Live).RunCheckedAsync(Options(null, other.Project), TestRuns.Token);
        Assert.Equal(live.Entries.Select(e => e.Data.ToJsonString()), batch.Entries.Select(e => e.Data.ToJsonString()));
    }

    [Fact]
    public async Task RunAsync_KilledWhilePolling_ARerunPollsTheRecordedBatch_WithoutResubmitting()
    {
        var clock = new ManualTimeProvider();
        await RestartAsync(new TestServerOptions { BatchProcessingTime = TimeSpan.FromHours(1), TimeProvider = clock });
        using var kill = CancellationTokenSource.CreateLinkedTokenSource(TestRuns.Token);

        var first = RunAsync(Topics(8), CallMode.Batch, clock: clock, kill: kill);
        await Eventually.TrueAsync(() => clock.RequestedDueTimes.Contains(TimeSpan.FromSeconds(5)), "the first run waits to poll its batch again");
        await kill.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => first);
        Assert.Equal((1, 8), (_server.BatchesCreated, _server.BatchedRequests));

        clock.Advance(TimeSpan.FromHours(2));
        var second = await RunAsync(Topics(8), CallMode.Batch, clock: clock);

        Assert.Equal(8, second.Entries.Count);
        Assert.Equal((1, 8, 0L), (_server.BatchesCreated, _server.BatchedRequests, _server.ChatRequests));
        Assert.Equal("completed", Assert.Single(second.Summary.Batches).Status);
    }

    [Fact]
    public async Task RunAsync_PollsWithBackoffOnTheRunsClock_UntilTheBatchIsDone()
    {
        var clock = new ManualTimeProvider();
        await RestartAsync(new TestServerOptions { BatchProcessingTime = TimeSpan.FromMinutes(10), TimeProvider = clock });

        var run = RunAsync(Topics(4), CallMode.Batch, clock: clock);
        while (!run.IsCompleted)
        {
            await Task.Delay(5, TestRuns.Token);
            clock.Advance(TimeSpan.FromSeconds(5));
        }

        Assert.Equal(4, (await run).Entries.Count);
        // The first timer is the file's FlushAfter (1 minute); then the polls: 5 s, doubling, at most a minute.
        var polls = clock.RequestedDueTimes.Skip(1).Select(t => (int)t.TotalSeconds).ToList();
        Assert.Equal([5, 10, 20, 40, 60, 60], polls.Take(6));
    }

    [Fact]
    public async Task Summary_ListsTheBatches_AndPricesThemAtHalf()
    {
        var batch = (await RunAsync(Topics(6), CallMode.Batch)).Summary;
        await using var other = new TempProject("live");
        var live = (await RunAsync(Topics(6), CallMode.Live, project: other.Project)).Summary;

        Assert.Equal(live.Totals.Cost / 2, batch.Totals.Cost);
        Assert.Equal((6L, batch.Totals.Cost), (batch.Totals.BatchCalls, batch.Totals.BatchCost));
        var listed = Assert.Single(batch.Batches);
        Assert.Equal((Model, "completed", 6, 6, 0), (listed.Model, listed.Status, listed.Requests, listed.Completed, listed.Failed));
        Assert.Contains($"{listed.Id} {Model}: completed, 6/6 done, 0 failed", batch.Format(), StringComparison.Ordinal);
        Assert.Contains("6 answered in batches", batch.Format(), StringComparison.Ordinal);
        Assert.Contains("\"batches\"", batch.ToJson(), StringComparison.Ordinal);
        Assert.DoesNotContain(Key, batch.ToJson(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Summary_ModelWithItsOwnBatchPrice_PricesBatchAnswersAtIt()
    {
        var prices = ModelPrices.Default.With("gpt-4o-mini", 4m, 8m, batchInputPerMillion: 3m, batchOutputPerMillion: 2m);

        var summary = (await (Source(Topics(6)) | AskLLM("Say {topic}", Model, "answer", new AskOptions { Mode = CallMode.Batch }) | OutputEntries())
            .RunAsync(Options(null, prices: prices), TestRuns.Token)).Summary;

        Assert.Equal(6L, summary.Totals.BatchCalls);
        Assert.Equal(prices.BatchCost("gpt-4o-mini", summary.Totals.InputTokens, summary.Totals.OutputTokens), summary.Totals.BatchCost);
        Assert.NotEqual(prices.Cost("gpt-4o-mini", summary.Totals.InputTokens, summary.Totals.OutputTokens) / 2, summary.Totals.BatchCost);
        Assert.Equal(summary.Totals.BatchCost, summary.Totals.Cost);
    }

    [Fact]
    public async Task Monitor_BatchRun_PublishesEachBatchsChangesUntilCompleted_AndSamplesListIt()
    {
        using var monitor = new RunMonitor { SampleInterval = TimeSpan.FromMilliseconds(10) };
        var recorder = new EventRecorder();
        using var subscription = monitor.Subscribe(recorder);

        await (Source(Topics(6)) | AskLLM("Say {topic}", Model, "answer", new AskOptions { Mode = CallMode.Batch }) | OutputEntries())
            .RunCheckedAsync(Options(null, monitor: monitor), TestRuns.Token);

        var changes = recorder.Of<BatchChanged>();
        Assert.NotEmpty(changes);
        var id = Assert.Single(changes.Select(c => c.Batch.Id).Distinct());
        Assert.Equal(new BatchSummary(id, Model, "completed", 6, 6, 0), changes[^1].Batch);
        var final = recorder.Of<RunProgress>().Single(p => p.IsFinal);
        Assert.Equal([changes[^1].Batch], final.Batches);
        Assert.Equal(changes.Count, changes.Select(c => c.Batch).Distinct().Count());
    }

    [Fact]
    public void BatchOptions_OutOfRange_FailsNamingTheSetting()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new RunOptions { Batch = new BatchOptions { MaxRequestsPerBatch = 100_001 } }.Validate());

        Assert.Contains("RunOptions.Batch.MaxRequestsPerBatch must be 1 to 100000", error.Message, StringComparison.Ordinal);
        error = Assert.Throws<ArgumentOutOfRangeException>(() => new RunOptions { Batch = new BatchOptions { MaxWaitingPerOp = 0 } }.Validate());
        Assert.Contains("RunOptions.Batch.MaxWaitingPerOp must be at least 1", error.Message, StringComparison.Ordinal);
    }

    private static string[] Topics(int count) => [.. Enumerable.Range(0, count).Select(i => $"topic number {i}")];

    private static Op Source(string[] topics) => FromList(topics, outputKey: "topic", idxKey: "topic");

    private async Task<List<string>> AskAsync(string[] topics, CallMode mode, BatchOptions? batch = null, ProjectFolder? project = null) =>
        [.. (await RunAsync(topics, mode, batch, project: project)).Entries.Select(e => e.Get<string>("answer"))];

    private Task<RunResult> RunAsync(string[] topics, CallMode mode, BatchOptions? batch = null, AskOptions? options = null, ProjectFolder? project = null, TimeProvider? clock = null, CancellationTokenSource? kill = null) =>
        (Source(topics) | AskLLM("Say {topic}", Model, "answer", options ?? new AskOptions { Mode = mode }) | OutputEntries())
            .RunAsync(Options(batch, project, clock), kill?.Token ?? TestRuns.Token);

    private RunOptions Options(BatchOptions? batch, ProjectFolder? project = null, TimeProvider? clock = null, ModelPrices? prices = null, RunMonitor? monitor = null) => new()
    {
        Monitor = monitor,
        Prices = prices ?? ModelPrices.Default,
        Project = project ?? _project.Project,
        TimeProvider = clock ?? TimeProvider.System,
        Models = LoopbackModels.For(_server, Key),
        Batch = batch ?? new BatchOptions(),
    };

    private async ValueTask StartAsync(TestServerOptions options) => _server = await OpenAICompatibleServer.StartAsync(options, TestRuns.Token);

    private async Task RestartAsync(TestServerOptions options)
    {
        await _server.DisposeAsync();
        await StartAsync(options);
    }
}
