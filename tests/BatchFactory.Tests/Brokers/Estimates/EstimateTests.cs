using BatchFactory.Testing;
using BatchFactory.Tests.Support;
using static BatchFactory.Ops;

namespace BatchFactory.Tests.Brokers.Estimates;

/// <summary><c>graph.EstimateAsync</c> against the loopback server: it counts what a run would send, and sends and writes nothing.</summary>
public sealed class EstimateTests : IAsyncLifetime
{
    private const string Key = "sk-estimate-secret-16";
    private const string Model = "gpt-4o-mini@openai";
    private static readonly ModelPrices Prices = ModelPrices.Default.With("gpt-4o-mini", 1m, 4m);
    private readonly TempProject _project = new("estimate");
    private OpenAICompatibleServer _server = null!;

    public async ValueTask InitializeAsync() => _server = await OpenAICompatibleServer.StartAsync(new TestServerOptions(), TestRuns.Token);

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        await _project.DisposeAsync();
    }

    [Fact]
    public async Task EstimateAsync_PartlyAnsweredLedger_CountsExactlyWhatTheRunThenSends()
    {
        await Graph(Topics(4)).RunCheckedAsync(Options(), TestRuns.Token);
        var before = _server.ChatRequests;

        var estimate = await Graph(Topics(10)).EstimateAsync(Options(), TestRuns.Token);

        Assert.Equal(before, _server.ChatRequests);
        Assert.Equal(6, estimate.Requests);
        await Graph(Topics(10)).RunCheckedAsync(Options(), TestRuns.Token);
        Assert.Equal(estimate.Requests, _server.ChatRequests - before);
    }

    [Fact]
    public async Task EstimateAsync_AfterARun_IsZeroRequestsAndZeroCost()
    {
        await Graph(Topics(5)).RunCheckedAsync(Options(), TestRuns.Token);

        var estimate = await Graph(Topics(5)).EstimateAsync(Options(), TestRuns.Token);

        var row = Assert.Single(estimate.Ops);
        Assert.Equal((0L, 0L, 0L, 0m), (row.Requests, row.InputTokens, row.OutputTokens, row.LiveCost));
        Assert.Equal(0m, estimate.BatchCost);
    }

    [Fact]
    public async Task EstimateAsync_LeavesTheProjectUnchanged_AndWritesNoOutputFile()
    {
        await Graph(Topics(3)).RunCheckedAsync(Options(), TestRuns.Token);
        File.Delete(_project.Project["out/answers.jsonl"]);
        var files = Snapshot();

        var estimate = await Graph(Topics(8)).EstimateAsync(Options(), TestRuns.Token);

        Assert.Equal(5, estimate.Requests);
        Assert.Equal(files, Snapshot());
        Assert.False(File.Exists(_project.Project["out/answers.jsonl"]));
    }

    [Fact]
    public async Task EstimateAsync_Tokens_FollowThePromptAndTheExpectedOutput_PricedLiveAndAtHalfInBatch()
    {
        var live = await Graph(Topics(4)).EstimateAsync(Options(), TestRuns.Token);
        var batch = await Graph(Topics(4), CallMode.Batch).EstimateAsync(Options(new BatchOptions { ExpectedOutputTokens = 100 }), TestRuns.Token);

        Assert.Equal((4L, 4 * 256L), (live.Requests, live.OutputTokens));
        Assert.Equal(4 * 100L, batch.OutputTokens);
        Assert.Equal(live.InputTokens, batch.InputTokens);
        Assert.InRange(live.InputTokens, 4 * "Say topic number 0".Length / 4, 4 * 100);
        Assert.Equal(Prices.Cost("gpt-4o-mini", live.InputTokens, live.OutputTokens), live.LiveCost);
        Assert.Equal(live.LiveCost / 2, live.BatchCost);
        Assert.Equal(0, _server.ChatRequests + _server.BatchesCreated + _server.FilesUploaded);
        Assert.Contains("total: 4 requests", live.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task EstimateAsync_ModelWithItsOwnBatchPrice_PricesTheBatchColumnAtIt()
    {
        var prices = ModelPrices.Default.With("gpt-4o-mini", 4m, 8m, batchInputPerMillion: 3m, batchOutputPerMillion: 1m);

        var estimate = await Graph(Topics(4)).EstimateAsync(Options(prices: prices), TestRuns.Token);

        Assert.Equal(prices.Cost("gpt-4o-mini", estimate.InputTokens, estimate.OutputTokens), estimate.LiveCost);
        Assert.Equal(prices.BatchCost("gpt-4o-mini", estimate.InputTokens, estimate.OutputTokens), estimate.BatchCost);
    }

    [Fact]
    public async Task EstimateAsync_TwoChainedCalls_CountsEachOpAndIdenticalRequestsOnce()
    {
        var graph = FromList(["a", "b", "a"], outputKey: "topic") | AskLLM("Say {topic}", Model, "answer") | AskLLM("Shorten: {answer}", Model, "short") | OutputEntries();

        var estimate = await graph.EstimateAsync(Options(), TestRuns.Token);

        // The second op's prompts all see the same placeholder answer: one request, an approximation.
        Assert.Equal([2L, 1L], estimate.Ops.Select(o => o.Requests));
        Assert.Equal(0, _server.ChatRequests);
    }

    [Fact]
    public async Task EstimateAsync_TypedAnswer_CountsOneRequestPerEntryAndTheOpsAfterIt()
    {
        var graph = Source(Topics(3))
            | AskLLM<Verdict>("Judge {topic}", Model, "verdict")
            | MapField((Verdict v) => v.Reason, "verdict", "reason")
            | AskLLM("Explain {reason}", Model, "explained")
            | OutputEntries();

        var estimate = await graph.EstimateAsync(Options(), TestRuns.Token);

        Assert.Equal(3L, estimate.Ops[0].Requests);
        Assert.True(estimate.Ops[1].Requests >= 1, estimate.ToString());
        Assert.Equal(0, _server.ChatRequests);
    }

    public sealed record Verdict([property: System.ComponentModel.DataAnnotations.Range(1, 5)] int Score, string Reason);

    [Fact]
    public async Task EstimateAsync_EmbedText_CountsInputTokensOnly()
    {
        var graph = Source(Topics(3)) | EmbedText("topic", "text-embedding-3-small@openai", "vector") | OutputEntries();

        var estimate = await graph.EstimateAsync(Options(), TestRuns.Token);

        Assert.Equal((3L, 0L), (estimate.Requests, estimate.OutputTokens));
        Assert.True(estimate.InputTokens > 0);
        Assert.Equal(0, _server.EmbeddingRequests);
    }

    private static string[] Topics(int count) => [.. Enumerable.Range(0, count).Select(i => $"topic number {i}")];

    private static Op Source(string[] topics) => FromList(topics, outputKey: "topic", idxKey: "topic");

    private Graph Graph(string[] topics, CallMode mode = CallMode.Live) =>
        Source(topics) | AskLLM("Say {topic}", Model, "answer", new AskOptions { Mode = mode }) | WriteJsonl(_project.Project["out/answers.jsonl"]);

    private RunOptions Options(BatchOptions? batch = null, ModelPrices? prices = null) => new()
    {
        Project = _project.Project,
        Models = LoopbackModels.For(_server, Key),
        Prices = prices ?? Prices,
        Batch = batch ?? new BatchOptions(),
    };

    // Every file of the project but the ledgers' lock files, with a hash of its content (the ledgers stay open, so read them shared).
    private Dictionary<string, string> Snapshot() =>
        Directory.EnumerateFiles(_project.Project.FullPath, "*", SearchOption.AllDirectories).Where(f => !f.EndsWith(".lock", StringComparison.Ordinal)).ToDictionary(f => f, f =>
        {
            using var stream = new FileStream(f, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            return Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(stream));
        });
}
