using BatchFactory.Testing;
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

    private static Op Source() => FromList(Enumerable.Range(0, Entries).Select(i => $"topic {i}"), outputKey: "topic", idxKey: "topic");

    private static Graph Ask(string prompt, string output) => AskLLM(prompt, Model, output, new AskOptions { Mode = CallMode.Batch });

    private ProjectFolder Project(string database, string worker) =>
        ProjectFolder.Open("batches", "1", new ProjectFolderOptions { DataDirectory = Path.Combine(_data.Path, worker), Backend = LedgerBackend.Postgres(database) });

    private RunOptions Options(ProjectFolder project, BatchOptions batch) => new()
    {
        Project = project,
        Models = LoopbackModels.For(_server, Key),
        Batch = batch,
        Sharing = new SharingOptions { PollInterval = TimeSpan.FromMilliseconds(100) },
    };
}
