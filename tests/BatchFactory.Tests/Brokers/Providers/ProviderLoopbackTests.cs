using BatchFactory.Testing;
using BatchFactory.Tests.Support;
using static BatchFactory.Ops;

namespace BatchFactory.Tests.Brokers.Providers;

/// <summary>AskLLM and EmbedText through the real OpenAI and Azure SDKs, against the loopback test server.</summary>
public sealed class ProviderLoopbackTests : IAsyncLifetime
{
    private const string Key = "sk-loopback-secret-42";
    private readonly TempFolder _data = new();
    private OpenAICompatibleServer _server = null!;

    public async ValueTask InitializeAsync() => _server = await OpenAICompatibleServer.StartAsync(cancellationToken: TestRuns.Token);

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        _data.Dispose();
    }

    [Fact]
    public async Task OpenAI_SecondRunMakesNoRequest_AndGivesTheSameOutput()
    {
        var first = await RunAsync(Poems("gpt-4o-mini@openai"));
        Assert.Equal(3, _server.ChatRequests);
        Assert.Equal(["Echo[gpt-4o-mini]: Poem about sea", "Echo[gpt-4o-mini]: Poem about fire", "Echo[gpt-4o-mini]: Poem about sky"], first.Values<string>());

        var second = await RunAsync(Poems("gpt-4o-mini@openai"));

        Assert.Equal(3, _server.ChatRequests);
        Assert.Equal(first.Values<string>(), second.Values<string>());
        Assert.Equal((0L, 3L), (second.Calls, second.CachedCalls));
    }

    [Fact]
    public async Task OpenAI_ServerErrors_AreRetriedThenRecordedAsFailed_AndTheKeyAppearsNowhere()
    {
        _server.FailNext(1000, Failure.ServerError());

        var result = await RunAsync(Poems("gpt-4o-mini@openai"));

        Assert.Empty(result.Values<string>());
        Assert.Equal(3, result.FailedCalls);
        Assert.Equal(3 * (1 + FastRetries.MaxRetries), _server.ChatRequests);
        var ledgerText = string.Concat(Directory.GetFiles(_data.Path, "*", SearchOption.AllDirectories).Select(File.ReadAllText));
        Assert.Contains("#failed", ledgerText);
        Assert.DoesNotContain(Key, ledgerText);
        Assert.DoesNotContain(Key, result.Summary.ToString());
    }

    [Fact]
    public async Task OpenAI_TooManyRequestsWithRetryAfter_WaitsThatLongThenSucceeds()
    {
        _server.FailNext(1, Failure.TooManyRequests(retryAfterSeconds: 1));

        var result = await RunAsync(FromList(new[] { "sea" }, outputKey: "topic") | AskLLM("Poem about {topic}", "gpt-4o-mini@openai", "poem") | ToList("poem"));

        Assert.Equal(["Echo[gpt-4o-mini]: Poem about sea"], result.Values<string>());
        var requests = _server.Requests;
        Assert.Equal(2, requests.Count);
        Assert.True(requests[1].ReceivedAt - requests[0].ReceivedAt >= TimeSpan.FromSeconds(0.95), $"the retry came {(requests[1].ReceivedAt - requests[0].ReceivedAt).TotalMilliseconds} ms after the 429, before its Retry-After of 1 s");
    }

    [Fact]
    public async Task OpenAI_EmbedText_GetsTheServersVectors()
    {
        var result = await RunAsync(FromList(new[] { "sea" }, outputKey: "word") | EmbedText("word", "text-embedding-3-small@openai") | ToList("embedding"));

        var vector = Assert.Single(result.Values<float[]>());
        Assert.Equal(8, vector.Length);
        Assert.Equal(1, _server.EmbeddingRequests);
    }

    [Fact]
    public async Task Azure_AsksTheDeploymentAtAzuresPath()
    {
        var result = await RunAsync(Poems("my-deployment@azure"));

        Assert.Equal("Echo[my-deployment]: Poem about sea", result.Values<string>()[0]);
        Assert.All(_server.Requests, r => Assert.StartsWith("/openai/deployments/my-deployment/chat/completions", r.Path));
    }

    private static readonly RetryOptions FastRetries = new() { MaxRetries = 2, BaseDelay = TimeSpan.FromMilliseconds(1), MaxDelay = TimeSpan.FromMilliseconds(5) };

    private static Graph Poems(string model) =>
        FromList(new[] { "sea", "fire", "sky" }, outputKey: "topic", idxKey: "topic") | AskLLM("Poem about {topic}", model, "poem") | ToList("poem");

    private async Task<RunResult> RunAsync(Graph graph)
    {
        var models = LoopbackModels.For(_server, Key);
        await using var project = ProjectFolder.Open("loopback", "1", new ProjectFolderOptions { DataDirectory = _data.Path });
        return await graph.RunCheckedAsync(new RunOptions { Project = project, Models = models, Broker = new BrokerOptions { Retry = FastRetries } }, TestRuns.Token);
    }
}
