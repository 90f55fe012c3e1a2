using BatchFactory.Testing;
using BatchFactory.Tests.Support;
using static BatchFactory.Ops;

namespace BatchFactory.Tests.Brokers.Batches;

/// <summary>Batch mode on Anthropic over HTTP: the Anthropic SDK's Message Batches against the loopback server.</summary>
public sealed class AnthropicBatchTests : IAsyncLifetime
{
    private const string Key = "sk-ant-batch-secret-16";
    private const string Model = "claude-haiku-4-5@anthropic";
    private readonly TempProject _project = new("anthropic-batches");
    private OpenAICompatibleServer _server = null!;

    public ValueTask InitializeAsync() => StartAsync(new TestServerOptions());

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        await _project.DisposeAsync();
    }

    [Fact]
    public async Task RunAsync_BatchOnAnthropic_AnswersEverythingThroughAMessageBatch_WithNoLiveCall_AtHalfPrice()
    {
        var batch = await RunAsync(Topics(10), CallMode.Batch);

        Assert.Equal(0, _server.ChatRequests);
        Assert.Equal((1L, 10L, 0L), (_server.BatchesCreated, _server.BatchedRequests, _server.FilesUploaded));
        var listed = Assert.Single(batch.Summary.Batches);
        Assert.StartsWith("msgbatch_", listed.Id, StringComparison.Ordinal);
        Assert.Equal((Model, "completed", 10, 10, 0), (listed.Model, listed.Status, listed.Requests, listed.Completed, listed.Failed));
        Assert.Empty(batch.Summary.AnsweredLive);

        await using var other = new TempProject("live");
        var live = await RunAsync(Topics(10), CallMode.Live, project: other.Project);
        Assert.Equal(10, _server.ChatRequests);
        Assert.Equal(Answers(live), Answers(batch));
        Assert.Equal(Topics(10).Select(t => $"Echo[claude-haiku-4-5]: Say {t}"), Answers(batch));
        Assert.Equal((10L, batch.Summary.Totals.Cost), (batch.Summary.Totals.BatchCalls, batch.Summary.Totals.BatchCost));
        Assert.Equal(live.Summary.Totals.Cost / 2, batch.Summary.Totals.Cost);
        Assert.Equal((live.Summary.Totals.InputTokens, live.Summary.Totals.OutputTokens), (batch.Summary.Totals.InputTokens, batch.Summary.Totals.OutputTokens));
        Assert.DoesNotContain(Key, batch.Summary.ToJson(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_RerunAfterABatchRun_MakesNoRequest()
    {
        var first = await RunAsync(Topics(6), CallMode.Batch);

        var second = await RunAsync(Topics(6), CallMode.Batch);

        Assert.Equal((1L, 6L, 0L), (_server.BatchesCreated, _server.BatchedRequests, _server.ChatRequests));
        Assert.Equal(Answers(first), Answers(second));
        Assert.Empty(second.Summary.Batches);
    }

    [Fact]
    public async Task RunAsync_LiveThenBatchThenLive_NeverRepeatsARequest()
    {
        await RunAsync(Topics(4), CallMode.Live);
        Assert.Equal(4, _server.ChatRequests);

        var batch = await RunAsync(Topics(9), CallMode.Batch);
        Assert.Equal((4L, 5L), (_server.ChatRequests, _server.BatchedRequests));

        var live = await RunAsync(Topics(9), CallMode.Live);
        Assert.Equal((4L, 5L, 1L), (_server.ChatRequests, _server.BatchedRequests, _server.BatchesCreated));
        Assert.Equal(Answers(batch), Answers(live));
    }

    [Fact]
    public async Task RunAsync_ErroredResults_FollowTheFailurePolicy_AndARerunSendsOnlyThose()
    {
        await RestartAsync(new TestServerOptions { BatchFailedLineFraction = 0.2 });

        var emitted = await RunAsync(Topics(10), CallMode.Batch, new AskOptions { Mode = CallMode.Batch, OnFailure = OnCallFailure.Emit });
        var failed = emitted.Entries.Where(e => e.Data["status"]?.GetValue<string>() == "failed").ToList();
        // Every fifth line of a batch fails: 2 of one batch of 10 (fewer if a loaded machine split the requests).
        var failedLines = _server.Batches.Sum(b => b.Failed);
        Assert.InRange(failedLines, 0, 2);
        Assert.Equal(failedLines, failed.Count);
        Assert.All(failed, e => Assert.Contains("api_error: Scripted failure", e.Get<string>("error"), StringComparison.Ordinal));

        await using var other = new TempProject("stay");
        var batchesBefore = _server.Batches.Count;
        var stayed = await RunAsync(Topics(10), CallMode.Batch, project: other.Project);
        var stayedLines = _server.Batches.Skip(batchesBefore).Sum(b => b.Failed);
        Assert.Equal((10 - stayedLines, stayedLines > 0 ? RunStatus.CompletedWithFailures : RunStatus.Completed), (stayed.Entries.Count, stayed.Summary.Status));

        await RestartAsync(new TestServerOptions());
        var rerun = await RunAsync(Topics(10), CallMode.Batch, project: other.Project);
        Assert.Equal(10, rerun.Entries.Count);
        Assert.Equal(((long)stayedLines, 0L), (_server.BatchedRequests, _server.ChatRequests));
    }

    [Fact]
    public async Task RunAsync_ExpiredRequests_AreSubmittedAgain_AndTheAnsweredOnesKept()
    {
        await RestartAsync(new TestServerOptions { BatchAnsweredBeforeExpiry = 0.5 });

        var result = await RunAsync(Topics(10), CallMode.Batch);

        Assert.Equal(10, result.Entries.Count);
        Assert.Equal(["completed", "expired"], _server.Batches.Select(b => b.Status).Order().ToArray());
        Assert.Equal((2L, 15L, 0L), (_server.BatchesCreated, _server.BatchedRequests, _server.ChatRequests));
        Assert.Equal(Topics(10).Select(t => $"Echo[claude-haiku-4-5]: Say {t}"), Answers(result));
    }

    [Fact]
    public async Task RunAsync_KilledWhilePolling_ARerunPollsTheRecordedBatch_WithoutResubmitting()
    {
        var clock = new ManualTimeProvider();
        await RestartAsync(new TestServerOptions { BatchProcessingTime = TimeSpan.FromHours(1), TimeProvider = clock });
        using var kill = CancellationTokenSource.CreateLinkedTokenSource(TestRuns.Token);

        var first = RunAsync(Topics(5), CallMode.Batch, clock: clock, kill: kill);
        await Eventually.TrueAsync(() => clock.RequestedDueTimes.Contains(TimeSpan.FromSeconds(5)), "the first run waits to poll its batch again");
        await kill.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => first);

        clock.Advance(TimeSpan.FromHours(2));
        var second = await RunAsync(Topics(5), CallMode.Batch, clock: clock);

        Assert.Equal(5, second.Entries.Count);
        Assert.Equal((1L, 5L, 0L), (_server.BatchesCreated, _server.BatchedRequests, _server.ChatRequests));
    }

    private static string[] Topics(int count) => [.. Enumerable.Range(0, count).Select(i => $"topic number {i}")];

    private static List<string> Answers(RunResult result) => [.. result.Entries.Select(e => e.Get<string>("answer"))];

    private Task<RunResult> RunAsync(string[] topics, CallMode mode, AskOptions? options = null, ProjectFolder? project = null, TimeProvider? clock = null, CancellationTokenSource? kill = null) =>
        (FromList(topics, outputKey: "topic", idxKey: "topic") | AskLLM("Say {topic}", Model, "answer", options ?? new AskOptions { Mode = mode }) | OutputEntries())
            .RunAsync(
                new RunOptions
                {
                    Project = project ?? _project.Project,
                    TimeProvider = clock ?? TimeProvider.System,
                    Models = ModelProviders.Default.With(new AnthropicProvider(new Dictionary<string, string>
                    {
                        [AnthropicProvider.ApiKeyVariable] = Key,
                        [AnthropicProvider.BaseUrlVariable] = _server.Root.ToString(),
                    }.GetValueOrDefault)),
                },
                kill?.Token ?? TestRuns.Token);

    private async ValueTask StartAsync(TestServerOptions options) => _server = await OpenAICompatibleServer.StartAsync(options, TestRuns.Token);

    private async Task RestartAsync(TestServerOptions options)
    {
        await _server.DisposeAsync();
        await StartAsync(options);
    }
}
