using System.Net.Http.Json;
using System.Runtime.CompilerServices;
using BatchFactory.Brokers;
using BatchFactory.Testing;
using BatchFactory.Tests.Support;
using static BatchFactory.Ops;

namespace BatchFactory.Tests.Brokers.Batches;

/// <summary>
/// A process that dies between creating a batch at the provider and recording it: the next run finds the batch by the
/// submission it recorded first (by metadata on OpenAI and Azure OpenAI, by time and size on Anthropic) and does not
/// submit its requests again. Over HTTP with each provider's SDK against the loopback server.
/// </summary>
public sealed class BatchCrashTests : IAsyncLifetime
{
    private const string Key = "crash-batch-secret-16";
    private const string Haiku = "claude-haiku-4-5@anthropic";
    private const string Sonnet = "claude-sonnet-4-5@anthropic";
    private readonly TempProject _project = new("crash-batches");
    private OpenAICompatibleServer _server = null!;

    public async ValueTask InitializeAsync() => _server = await OpenAICompatibleServer.StartAsync(cancellationToken: TestRuns.Token);

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        await _project.DisposeAsync();
    }

    [Theory]
    [InlineData("gpt-4o-mini@openai")]
    [InlineData("gpt-4o-mini@azure")]
    [InlineData("claude-haiku-4-5@anthropic")]
    public async Task RunAsync_KilledRightAfterCreatingABatch_ARerunFindsIt_AndSubmitsNothingAgain(string model)
    {
        using var kill = CancellationTokenSource.CreateLinkedTokenSource(TestRuns.Token);
        var provider = Provider(model);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => RunAsync(model, new CrashingBatchProvider(provider, kill, afterCreate: true), kill.Token));
        Assert.Equal((1L, 5L), (_server.BatchesCreated, _server.BatchedRequests));

        var rerun = await RunAsync(model, provider, TestRuns.Token);

        Assert.Equal(5, rerun.Entries.Count);
        Assert.True(_server.BatchesCreated == 1, string.Join("\n", rerun.Summary.BatchWarnings));
        Assert.Equal((1L, 5L, 0L), (_server.BatchesCreated, _server.BatchedRequests, _server.ChatRequests));
        Assert.Equal((_server.Batches[0].Id, "completed"), (Assert.Single(rerun.Summary.Batches).Id, rerun.Summary.Batches[0].Status));
        var third = await RunAsync(model, provider, TestRuns.Token);
        Assert.Equal((1L, 0L), (_server.BatchesCreated, _server.ChatRequests));
        Assert.Equal(Answers(rerun), Answers(third));
    }

    [Fact]
    public async Task RunAsync_AnthropicGuessCannotTellAnotherBatchApart_NoneIsTakenUp_TheRequestsAreSubmittedAgain_AndTheSummaryWarns()
    {
        var clock = new ManualTimeProvider();
        await _server.DisposeAsync();
        _server = await OpenAICompatibleServer.StartAsync(new TestServerOptions { TimeProvider = clock }, TestRuns.Token);
        using var kill = CancellationTokenSource.CreateLinkedTokenSource(TestRuns.Token);
        const string model = "claude-haiku-4-5@anthropic";
        var provider = Provider(model);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => RunAsync(model, new CrashingBatchProvider(provider, kill, afterCreate: true), kill.Token, clock));

        // Someone else's batch of the same size at the same moment, listed first (newest): the guess takes it.
        using var http = new HttpClient { BaseAddress = _server.Root };
        var requests = Enumerable.Range(0, 5).Select(i => new { custom_id = $"other{i}", @params = new { model = "claude-haiku-4-5", max_tokens = 16, messages = new[] { new { role = "user", content = $"other {i}" } } } });
        using var created = await http.PostAsJsonAsync("v1/messages/batches", new { requests }, TestRuns.Token);
        created.EnsureSuccessStatusCode();

        var rerun = await RunAsync(model, provider, TestRuns.Token, clock);

        Assert.Equal(Enumerable.Range(0, 5).Select(i => $"Echo[claude-haiku-4-5]: Say topic number {i}"), Answers(rerun));
        Assert.Equal((3L, 15L, 0L), (_server.BatchesCreated, _server.BatchedRequests, _server.ChatRequests));
        Assert.Equal(RunStatus.Completed, rerun.Summary.Status);
        Assert.Contains("was not taken up", Assert.Single(rerun.Summary.BatchWarnings));
        Assert.Single(rerun.Summary.Batches);
    }

    [Fact]
    public async Task RunAsync_TwoAlikeAnthropicSubmissionsCrashTogether_NeitherIsGuessed_TheirRequestsAreSubmittedAgainOnce()
    {
        var clock = new ManualTimeProvider();
        await RestartServerAsync(new TestServerOptions { TimeProvider = clock });
        using var kill = CancellationTokenSource.CreateLinkedTokenSource(TestRuns.Token);
        const string model = "claude-haiku-4-5@anthropic";
        var provider = Provider(model);
        var halves = new BatchOptions { MaxRequestsPerBatch = 5 };

        // Two full files of five, both created at the same moment, then the process dies before recording either.
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => RunAsync(model, new CrashingBatchProvider(provider, kill, afterCreate: true, creates: 2), kill.Token, clock, topics: 10, halves));
        Assert.Equal((2L, 10L), (_server.BatchesCreated, _server.BatchedRequests));

        var rerun = await RunAsync(model, provider, TestRuns.Token, clock, topics: 10, halves);

        Assert.Equal(Enumerable.Range(0, 10).Select(i => $"Echo[claude-haiku-4-5]: Say topic number {i}"), Answers(rerun));
        Assert.Equal((4L, 20L, 0L), (_server.BatchesCreated, _server.BatchedRequests, _server.ChatRequests));
        Assert.Equal(2, rerun.Summary.BatchWarnings.Count(w => w.Contains("was not taken up", StringComparison.Ordinal)));
        var third = await RunAsync(model, provider, TestRuns.Token, clock, topics: 10, halves);
        Assert.Equal((4L, 0L), (_server.BatchesCreated, _server.ChatRequests));
        Assert.Empty(third.Summary.BatchWarnings);
    }

    [Fact]
    public async Task RunAsync_AnthropicGuessTakesUpAnotherModelsBatch_ItsAnswersReachTheLedger_AndThatModelsRequestsAreNotPaidAgain()
    {
        var clock = new ManualTimeProvider();
        var failListing = await LoseSonnetsBatchAsync(clock, TimeSpan.Zero);
        var provider = Provider(Haiku);

        // The guess for haiku's submission takes sonnet's batch (one of that size at that moment); sonnet's submission then
        // finds none. Haiku's requests are submitted again; sonnet's answers, which no request of this run asks, are stored.
        Volatile.Write(ref failListing.Value, false);
        var haikus = await RunAsync(Haiku, provider, TestRuns.Token, clock);

        Assert.Equal(Enumerable.Range(0, 5).Select(i => $"Echo[claude-haiku-4-5]: Say topic number {i}"), Answers(haikus));
        Assert.Equal((2L, 10L, 0L), (_server.BatchesCreated, _server.BatchedRequests, _server.ChatRequests));

        var sonnets = await RunAsync(Sonnet, provider, TestRuns.Token, clock, mode: CallMode.Live);

        Assert.Equal(Enumerable.Range(0, 5).Select(i => $"Echo[claude-sonnet-4-5]: Say topic number {i}"), Answers(sonnets));
        Assert.Equal((2L, 0L), (_server.BatchesCreated, _server.ChatRequests));
    }

    [Fact]
    public async Task RunAsync_AnthropicGuessTakesUpAnotherModelsBatch_ItsLinesAnswerThatModelsRequestsWaitingInAnotherBatch()
    {
        var clock = new ManualTimeProvider();
        var failListing = await LoseSonnetsBatchAsync(clock, TimeSpan.FromHours(1));
        var provider = Provider(Haiku);

        // Two hours on (sonnet's lost batch has ended), a run that still cannot list the batches submits sonnet's requests
        // again, in a batch that will take an hour, and ends without waiting for it.
        clock.Advance(TimeSpan.FromHours(2));
        var parked = await RunAsync(Sonnet, provider, TestRuns.Token, clock, batch: new BatchOptions { WaitForResults = false });
        Assert.Empty(parked.Entries);
        Assert.Equal((2L, 10L), (_server.BatchesCreated, _server.BatchedRequests));

        // The guess for haiku's submission takes sonnet's lost batch; sonnet's requests wait in the pending one, and the
        // lost batch's lines answer them (the clock stands still: the pending batch never ends here).
        Volatile.Write(ref failListing.Value, false);
        using var giveUp = CancellationTokenSource.CreateLinkedTokenSource(TestRuns.Token);
        giveUp.CancelAfter(TimeSpan.FromSeconds(30));
        var sonnets = await RunAsync(Sonnet, provider, giveUp.Token, clock);

        Assert.Equal(Enumerable.Range(0, 5).Select(i => $"Echo[claude-sonnet-4-5]: Say topic number {i}"), Answers(sonnets));
        Assert.Equal((2L, 10L, 0L), (_server.BatchesCreated, _server.BatchedRequests, _server.ChatRequests));
    }

    [Fact]
    public async Task RunAsync_KilledBeforeTheBatchWasCreated_ARerunSubmitsItOnce()
    {
        using var kill = CancellationTokenSource.CreateLinkedTokenSource(TestRuns.Token);
        var provider = Provider("gpt-4o-mini@openai");

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => RunAsync("gpt-4o-mini@openai", new CrashingBatchProvider(provider, kill, afterCreate: false), kill.Token));
        Assert.Equal(0, _server.BatchesCreated);

        var rerun = await RunAsync("gpt-4o-mini@openai", provider, TestRuns.Token);
        var third = await RunAsync("gpt-4o-mini@openai", provider, TestRuns.Token);

        Assert.Equal((5, 5), (rerun.Entries.Count, third.Entries.Count));
        Assert.Equal((1L, 5L, 0L), (_server.BatchesCreated, _server.BatchedRequests, _server.ChatRequests));
    }

    [Theory]
    [InlineData("gpt-4o-mini@openai", "POST /v1/batches")]
    [InlineData("gpt-4o-mini@azure", "POST /openai/batches")]
    [InlineData("claude-haiku-4-5@anthropic", "POST /v1/messages/batches")]
    public async Task RunAsync_CreateFailsAfterTheBatchWasMade_ItIsFoundAndTakenUp_NotCreatedTwice(string model, string create)
    {
        var creates = 0;
        await RestartServerAsync(new TestServerOptions { BatchFailureSelector = call => call == create && Interlocked.Increment(ref creates) == 1 ? Failure.ServerError() : null });

        var run = await RunAsync(model, Provider(model), TestRuns.Token);

        Assert.Equal(Enumerable.Range(0, 5).Select(i => $"Echo[{ModelSpec.Parse(model).Model}]: Say topic number {i}"), Answers(run));
        Assert.Equal((1, 1L, 5L, 0L), (creates, _server.BatchesCreated, _server.BatchedRequests, _server.ChatRequests));
        Assert.Equal(RunStatus.Completed, run.Summary.Status);
    }

    [Fact]
    public async Task RunAsync_CreateTimesOutOnTheClientAfterTheBatchWasMade_ItIsFoundAndTakenUp_NotCreatedTwice()
    {
        var creates = 0;
        await RestartServerAsync(new TestServerOptions { BatchFailureSelector = call => call == "POST /v1/batches" && Interlocked.Increment(ref creates) == 1 ? Failure.Slow(TimeSpan.FromSeconds(30)) : null });

        var run = await RunAsync("gpt-4o-mini@openai", new ImpatientCreateProvider(_server, Key, TimeSpan.FromMilliseconds(300)), TestRuns.Token);

        Assert.Equal(Enumerable.Range(0, 5).Select(i => $"Echo[gpt-4o-mini]: Say topic number {i}"), Answers(run));
        Assert.Equal((1, 1L, 5L, 0L), (creates, _server.BatchesCreated, _server.BatchedRequests, _server.ChatRequests));
        Assert.Equal(RunStatus.Completed, run.Summary.Status);
    }

    [Fact]
    public async Task RunAsync_CreateRefusedWith400_IsNotLookedFor_TheRequestsFail_AndARerunTakesUpTheBatch()
    {
        var creates = 0;
        await RestartServerAsync(new TestServerOptions { BatchFailureSelector = call => call == "POST /v1/batches" && Interlocked.Increment(ref creates) == 1 ? Failure.HttpStatus(400) : null });
        var provider = Provider("gpt-4o-mini@openai");

        var failed = await RunAsync("gpt-4o-mini@openai", provider, TestRuns.Token);
        Assert.Equal((1, 1L), (creates, _server.BatchesCreated));
        Assert.Empty(failed.Entries);

        var rerun = await RunAsync("gpt-4o-mini@openai", provider, TestRuns.Token);

        // The refused create was carried out by the server (a scripted failure after the fact); a 400 says "not made",
        // so the run did not look for it, and the rerun's check of the submission finds and takes it up.
        Assert.Equal(5, rerun.Entries.Count);
        Assert.Equal((1L, 0L), (_server.BatchesCreated, _server.ChatRequests));
    }

    [Fact]
    public async Task RunAsync_ListingBatchesFailsOnTheRerun_TheRunCompletes_AndALaterRunStillTakesUpTheBatch()
    {
        var failListing = false;
        await RestartServerAsync(new TestServerOptions { BatchFailureSelector = call => Volatile.Read(ref failListing) && call == "GET /v1/batches" ? Failure.ServiceUnavailable(retryAfterSeconds: 0) : null });
        using var kill = CancellationTokenSource.CreateLinkedTokenSource(TestRuns.Token);
        const string model = "gpt-4o-mini@openai";
        var provider = Provider(model);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => RunAsync(model, new CrashingBatchProvider(provider, kill, afterCreate: true), kill.Token));
        var lostBatch = _server.Batches[0].Id;

        Volatile.Write(ref failListing, true);
        var rerun = await RunAsync(model, provider, TestRuns.Token);

        Assert.Equal(5, rerun.Entries.Count);
        Assert.Equal(RunStatus.Completed, rerun.Summary.Status);
        Assert.Contains("could not be checked", Assert.Single(rerun.Summary.BatchWarnings));
        Assert.DoesNotContain(Key, rerun.Summary.BatchWarnings[0]);
        Assert.Equal((2L, 0L), (_server.BatchesCreated, _server.ChatRequests));

        // A later run with one request more (batch requests read the batches ledger) takes the batch up.
        Volatile.Write(ref failListing, false);
        var third = await RunAsync(model, provider, TestRuns.Token, topics: 6);

        Assert.Equal(Answers(rerun), Answers(third)[..5]);
        Assert.True(third.Summary.Batches.Any(b => b.Id == lostBatch), lostBatch + ": " + string.Join(", ", third.Summary.Batches) + string.Join("\n", third.Summary.BatchWarnings));
        Assert.Empty(third.Summary.BatchWarnings);
        Assert.Equal((3L, 11L, 0L), (_server.BatchesCreated, _server.BatchedRequests, _server.ChatRequests));
    }

    // Haiku's submission is recorded, then the process dies before creating its batch; a rerun that cannot list the
    // batches leaves it, and dies right after creating sonnet's batch of as many requests at the same moment (each
    // taking processingTime). Listing stays refused until the returned switch is turned off.
    private async Task<StrongBox<bool>> LoseSonnetsBatchAsync(ManualTimeProvider clock, TimeSpan processingTime)
    {
        var failListing = new StrongBox<bool>(false);
        await RestartServerAsync(new TestServerOptions
        {
            TimeProvider = clock,
            BatchProcessingTime = processingTime,
            BatchFailureSelector = call => Volatile.Read(ref failListing.Value) && call == "GET /v1/messages/batches" ? Failure.ServiceUnavailable(retryAfterSeconds: 0) : null,
        });
        var provider = Provider(Haiku);
        using (var kill = CancellationTokenSource.CreateLinkedTokenSource(TestRuns.Token))
        {
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => RunAsync(Haiku, new CrashingBatchProvider(provider, kill, afterCreate: false), kill.Token, clock));
        }

        Volatile.Write(ref failListing.Value, true);
        using (var kill = CancellationTokenSource.CreateLinkedTokenSource(TestRuns.Token))
        {
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => RunAsync(Sonnet, new CrashingBatchProvider(provider, kill, afterCreate: true), kill.Token, clock));
        }

        Assert.Equal((1L, 5L), (_server.BatchesCreated, _server.BatchedRequests));
        return failListing;
    }

    private async Task RestartServerAsync(TestServerOptions options)
    {
        await _server.DisposeAsync();
        _server = await OpenAICompatibleServer.StartAsync(options, TestRuns.Token);
    }

    private static List<string> Answers(RunResult result) => [.. result.Entries.Select(e => e.Get<string>("answer"))];

    private IModelProvider Provider(string model) => BatchProviders.For(model, _server, Key);

    private Task<RunResult> RunAsync(string model, IModelProvider provider, CancellationToken cancellationToken, TimeProvider? clock = null, int topics = 5, BatchOptions? batch = null, CallMode mode = CallMode.Batch) =>
        (FromList(Enumerable.Range(0, topics).Select(i => $"topic number {i}").ToArray(), outputKey: "topic", idxKey: "topic")
            | AskLLM("Say {topic}", model, "answer", new AskOptions { Mode = mode })
            | OutputEntries())
            .RunAsync(new RunOptions { Project = _project.Project, Models = ModelProviders.Default.With(provider), TimeProvider = clock ?? TimeProvider.System, Batch = batch ?? new BatchOptions() }, cancellationToken);
}
