using System.Text.Json;
using BatchFactory.Testing;
using BatchFactory.Tests.Support;
using static BatchFactory.Ops;

namespace BatchFactory.Tests.Brokers.Batches;

/// <summary>Batch mode on Azure OpenAI over HTTP: the Azure SDK's client against the loopback server's <c>/openai/</c> files and batches.</summary>
public sealed class AzureBatchTests : IAsyncLifetime
{
    private const string Key = "azure-batch-secret-16";
    private const string Model = "gpt-4o-mini@azure";
    private const string Deployment = "my-gpt4o-deployment";
    private readonly TempProject _project = new("azure-batches");
    private OpenAICompatibleServer _server = null!;

    public async ValueTask InitializeAsync() => _server = await OpenAICompatibleServer.StartAsync(cancellationToken: TestRuns.Token);

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        await _project.DisposeAsync();
    }

    [Fact]
    public async Task RunAsync_BatchOnAzure_AnswersEverythingThroughABatch_WithNoChatRequest()
    {
        var result = await RunAsync(Topics(10), CallMode.Batch);

        Assert.Equal(0, _server.ChatRequests);
        Assert.Equal((1L, 1L, 10L), (_server.FilesUploaded, _server.BatchesCreated, _server.BatchedRequests));
        Assert.Equal("completed", Assert.Single(result.Summary.Batches).Status);
        Assert.Empty(result.Summary.AnsweredLive);
        Assert.Equal(Topics(10).Select(t => $"Echo[{Deployment}]: Say {t}"), result.Entries.Select(e => e.Get<string>("answer")));
        Assert.Equal(10L, result.Summary.Totals.BatchCalls);
    }

    [Fact]
    public async Task RunAsync_BatchOnAzure_WritesLinesNamingTheDeployment_AtAzuresPath_WithoutAByteOrderMark()
    {
        await RunAsync(Topics(3), CallMode.Batch);

        using var http = new HttpClient { BaseAddress = _server.Root };
        using var batches = JsonDocument.Parse(await http.GetStringAsync("openai/batches?api-version=2024-10-21", TestRuns.Token));
        var batch = Assert.Single(batches.RootElement.GetProperty("data").EnumerateArray());
        Assert.Equal("/chat/completions", batch.GetProperty("endpoint").GetString());
        var content = await http.GetByteArrayAsync($"openai/files/{batch.GetProperty("input_file_id").GetString()}/content?api-version=2024-10-21", TestRuns.Token);
        Assert.NotEqual(0xEF, content[0]);
        var lines = System.Text.Encoding.UTF8.GetString(content).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(3, lines.Count);
        Assert.All(lines, l => Assert.Equal((Deployment, "/chat/completions"), (l.GetProperty("body").GetProperty("model").GetString(), l.GetProperty("url").GetString())));
    }

    [Fact]
    public async Task RunAsync_RerunAfterABatchRun_MakesNoRequest()
    {
        var first = await RunAsync(Topics(6), CallMode.Batch);

        var second = await RunAsync(Topics(6), CallMode.Batch);

        Assert.Equal((1L, 1L, 0L), (_server.FilesUploaded, _server.BatchesCreated, _server.ChatRequests));
        Assert.Equal(first.Entries.Select(e => e.Get<string>("answer")), second.Entries.Select(e => e.Get<string>("answer")));
        Assert.Equal(0L, second.Summary.Totals.BatchCalls);
    }

    [Fact]
    public async Task RunAsync_LiveThenBatchThenLiveOnAzure_NeverRepeatsARequest()
    {
        var live = await RunAsync(Topics(4), CallMode.Live);
        Assert.Equal(4, _server.ChatRequests);

        var batch = await RunAsync(Topics(9), CallMode.Batch);
        Assert.Equal((4L, 5L), (_server.ChatRequests, _server.BatchedRequests));

        var again = await RunAsync(Topics(9), CallMode.Live);
        Assert.Equal((4L, 5L, 1L), (_server.ChatRequests, _server.BatchedRequests, _server.BatchesCreated));
        Assert.Equal(batch.Entries.Select(e => e.Get<string>("answer")), again.Entries.Select(e => e.Get<string>("answer")));
        Assert.Equal(live.Entries.Select(e => e.Get<string>("answer")), again.Entries.Take(4).Select(e => e.Get<string>("answer")));
    }

    [Fact]
    public async Task RunAsync_UploadedFileIsPendingAtFirst_TheBatchIsCreatedOnceAzureProcessedIt()
    {
        await _server.DisposeAsync();
        _server = await OpenAICompatibleServer.StartAsync(new TestServerOptions { AzureFilePendingReads = 2 }, TestRuns.Token);

        var result = await RunAsync(Topics(3), CallMode.Batch);

        // Creating the batch of a pending file is refused (as Azure refuses it): the run waited until it was processed.
        Assert.Equal((1L, 1L, 3L, 0L), (_server.FilesUploaded, _server.BatchesCreated, _server.BatchedRequests, _server.FailedRequests));
        Assert.Equal(Topics(3).Select(t => $"Echo[{Deployment}]: Say {t}"), result.Entries.Select(e => e.Get<string>("answer")));
    }

    private static string[] Topics(int count) => [.. Enumerable.Range(0, count).Select(i => $"topic number {i}")];

    private Task<RunResult> RunAsync(string[] topics, CallMode mode) =>
        (FromList(topics, outputKey: "topic", idxKey: "topic") | AskLLM("Say {topic}", Model, "answer", new AskOptions { Mode = mode }) | OutputEntries())
            .RunCheckedAsync(
                new RunOptions
                {
                    Project = _project.Project,
                    Models = ModelProviders.Default.With(
                        "azure",
                        new ProviderSettings { Kind = "azure", BaseUrl = _server.Root.ToString(), ApiVersion = "2024-10-21", Deployments = { ["gpt-4o-mini"] = Deployment } },
                        new Dictionary<string, string> { [AzureOpenAIProvider.ApiKeyVariable] = Key }.GetValueOrDefault),
                },
                TestRuns.Token);
}
