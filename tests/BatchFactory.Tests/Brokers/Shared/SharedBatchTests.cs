using BatchFactory.Testing;
using BatchFactory.Tests.Brokers.Batches;
using BatchFactory.Tests.Support;
using static BatchFactory.Ops;

namespace BatchFactory.Tests.Brokers.Shared;

/// <summary>Provider batches in a shared run: a batch one worker submitted is collected by another, never submitted twice.</summary>
[Collection(PostgresCollection.Name)]
public sealed class SharedBatchTests(PostgresServer postgres) : IAsyncLifetime
{
    private const string Key = "sk-shared-batch-19";
    private const string Model = "gpt-4o-mini@openai";
    private const int Entries = 6;

    private readonly TempFolder _data = new();
    private readonly ManualTimeProvider _serverClock = new();
    private OpenAICompatibleServer _server = null!;

    public async ValueTask InitializeAsync() =>
        _server = await OpenAICompatibleServer.StartAsync(new TestServerOptions { BatchProcessingTime = TimeSpan.FromHours(1), TimeProvider = _serverClock }, TestRuns.Token);

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        _data.Dispose();
    }

    [Fact]
    public async Task RunAsync_AnotherWorkerSubmittedTheBatchAfterThisRunReadTheLedger_ThisRunCollectsItWithoutSubmittingAgain()
    {
        var database = postgres.NewDatabase();
        await using var collector = Project(database, "collector");
        await using var submitter = Project(database, "submitter");

        // The collector reads the batches ledger with its first batch (still empty) and waits for that batch.
        var collecting = (Source() | Ask("First {topic}", "first") | Ask("Second {topic}", "second") | OutputEntries())
            .RunCheckedAsync(Options(collector, new BatchOptions { FirstPollInterval = TimeSpan.FromMilliseconds(50), MaxPollInterval = TimeSpan.FromMilliseconds(200) }), TestRuns.Token);
        await Eventually.TrueAsync(() => _server.BatchesCreated == 1, "the collector submits its first batch");

        // Meanwhile the submitter puts the second questions in a batch and ends without waiting (its claims released).
        var submitted = await (Source() | Ask("Second {topic}", "second") | OutputEntries())
            .RunAsync(Options(submitter, new BatchOptions { WaitForResults = false }), TestRuns.Token);
        Assert.Empty(submitted.Entries);
        Assert.Equal((2, 2 * Entries), (_server.BatchesCreated, _server.BatchedRequests));

        _serverClock.Advance(TimeSpan.FromHours(2));
        var collected = await Eventually.Within(collecting);

        Assert.Equal(
            [.. Enumerable.Range(0, Entries).Select(i => $"Echo[gpt-4o-mini]: Second topic {i}")],
            collected.Entries.Select(e => e.Get<string>("second")).Order());
        Assert.Equal((2, 2 * Entries, 0L), (_server.BatchesCreated, _server.BatchedRequests, _server.ChatRequests));
        Assert.Equal(2, collected.Summary.Batches.Count);
    }

    [Fact]
    public async Task RunAsync_AWorkerDiesRightAfterCreatingABatch_AnotherWorkerTakesItUp_AndNobodySubmitsItAgain()
    {
        var database = postgres.NewDatabase();
        using var kill = CancellationTokenSource.CreateLinkedTokenSource(TestRuns.Token);
        await using (var dead = Project(database, "dead"))
        {
            var dying = new CrashingBatchProvider(BatchProviders.For(Model, _server, Key), kill, afterCreate: true);
            var options = Options(dead, new BatchOptions(), dying, _serverClock);
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => (Source() | Ask("Say {topic}", "answer") | OutputEntries()).RunAsync(options, kill.Token));
        }

        Assert.Equal((1, Entries), (_server.BatchesCreated, _server.BatchedRequests));

        // Past the grace a live worker's create may take, and past the batch's processing time.
        _serverClock.Advance(TimeSpan.FromHours(2));
        await using var survivor = Project(database, "survivor");
        var run = await (Source() | Ask("Say {topic}", "answer") | OutputEntries())
            .RunCheckedAsync(Options(survivor, new BatchOptions(), clock: _serverClock), TestRuns.Token);

        Assert.Equal(
            [.. Enumerable.Range(0, Entries).Select(i => $"Echo[gpt-4o-mini]: Say topic {i}")],
            run.Entries.Select(e => e.Get<string>("answer")).Order());
        Assert.Equal((1, Entries, 0L), (_server.BatchesCreated, _server.BatchedRequests, _server.ChatRequests));
        Assert.Equal(_server.Batches[0].Id, Assert.Single(run.Summary.Batches).Id);
        Assert.Empty(run.Summary.BatchWarnings);
    }

    private static Op Source() => FromList(Enumerable.Range(0, Entries).Select(i => $"topic {i}"), outputKey: "topic", idxKey: "topic");

    private static Graph Ask(string prompt, string output) => AskLLM(prompt, Model, output, new AskOptions { Mode = CallMode.Batch });

    private ProjectFolder Project(string database, string worker) =>
        ProjectFolder.Open("batches", "1", new ProjectFolderOptions { DataDirectory = Path.Combine(_data.Path, worker), Backend = LedgerBackend.Postgres(database) });

    private RunOptions Options(ProjectFolder project, BatchOptions batch, IModelProvider? provider = null, TimeProvider? clock = null) => new()
    {
        Project = project,
        Models = provider is null ? LoopbackModels.For(_server, Key) : ModelProviders.Default.With(provider),
        TimeProvider = clock ?? TimeProvider.System,
        Batch = batch,
        Sharing = new SharingOptions { PollInterval = TimeSpan.FromMilliseconds(100) },
    };
}
