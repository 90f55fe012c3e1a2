using BatchFactory.Testing;
using BatchFactory.Tests.Support;

namespace BatchFactory.Tests.Pipelines;

/// <summary>A pipeline's <c>batchfactory:</c> section goes through the configuration binder: providers, strategies, broker settings and prices.</summary>
public sealed class PipelineProvidersTests : IAsyncDisposable
{
    private const string Pipeline = """
        vars:
          server: http://127.0.0.1:1/v1
        batchfactory:
          Providers:
            gpu-farm: { Kind: openai-compatible, BaseUrls: ["${server}"] }
          Strategies:
            writer: { Fallback: [qwen3@gpu-farm, qwen3@offline] }
          Broker: { Retry: { MaxRetries: 1 } }
          Prices: { qwen3: { Input: 1000000, Output: 0 } }
        graph:
          - FromList: { items: [sea], outputKey: topic }
          - AskLLM: { prompt: "Poem about {topic}", model: writer@fallback, outputKey: poem }
          - ToList: [poem]
        """;

    private readonly PipelineFiles _files = new();

    public ValueTask DisposeAsync() => _files.DisposeAsync();

    [Fact]
    public async Task ReadRunOptions_TheFilesProvidersAndStrategies_AnswerFromTheConfiguredServer()
    {
        await using var server = await OpenAICompatibleServer.StartAsync(cancellationToken: TestRuns.Token);
        var pipeline = _files.Load(Pipeline, $"server={server.BaseUri}");
        var declared = pipeline.ReadRunOptions();
        await using var project = new TempProject();

        var result = await pipeline.Build(project.Project).RunCheckedAsync(
            new RunOptions { Project = project.Project, Models = declared.Models, Broker = declared.Broker, Prices = declared.Prices }, TestRuns.Token);

        Assert.Equal("openai-compatible", pipeline.Settings["BatchFactory:Providers:gpu-farm:Kind"]);
        Assert.Equal(server.BaseUri.ToString(), pipeline.Settings["BatchFactory:Providers:gpu-farm:BaseUrls:0"]);
        Assert.Equal(["Echo[qwen3]: Poem about sea"], result.Values<string>());
        Assert.Equal(1, declared.Broker.Retry!.MaxRetries);
        Assert.Equal(3m, result.Summary.Totals.Cost);
    }

    [Fact]
    public void Load_AWrongSetting_FailsAtItsLine_NamingItsPath()
    {
        var error = _files.Fails(Pipeline.Replace("BaseUrls: [\"${server}\"]", "BaseUrl: gpu1:8000", StringComparison.Ordinal));

        Assert.Equal((5, 51), (error.Line, error.Column));
        Assert.Contains("BatchFactory:Providers:gpu-farm:BaseUrl is 'gpu1:8000', which is not an absolute http(s) URL", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadRunOptions_LowerCaseKeysAndBatchSettings_AreRead()
    {
        var pipeline = _files.Load(Pipeline
            .Replace("Strategies:", "strategies:", StringComparison.Ordinal)
            .Replace("Fallback:", "fallback:", StringComparison.Ordinal)
            .Replace("Broker: { Retry: { MaxRetries: 1 } }", "broker: { retry: { maxretries: 1 } }\n  batch: { flushafter: 00:00:30 }\n  batchFor: { qwen3@offline: { maxRequestsPerBatch: 10 } }", StringComparison.Ordinal));

        var declared = pipeline.ReadRunOptions();

        Assert.Equal(["qwen3@gpu-farm", "qwen3@offline"], declared.Models.ChainOf(new ModelSpec("writer", "fallback"))!.Members.Select(m => m.ToString()));
        Assert.Equal(1, declared.Broker.Retry!.MaxRetries);
        Assert.Equal((TimeSpan.FromSeconds(30), 10), (declared.Batch.FlushAfter, declared.BatchFor!["qwen3@offline"].MaxRequestsPerBatch));
    }

    [Fact]
    public void Load_ABadBatchSetting_FailsAtItsLine_NamingItsPath()
    {
        var error = _files.Fails(Pipeline.Replace("Broker: { Retry: { MaxRetries: 1 } }", "Batch: { MaxRequestsPerBatch: 0 }", StringComparison.Ordinal));

        Assert.Equal(8, error.Line);
        Assert.Contains("BatchFactory:Batch:MaxRequestsPerBatch is 0; it must be 1 to 100000.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_WithoutASection_HasNoSettings_AndTheDefaultOptions()
    {
        var pipeline = _files.Load("graph: [Count]");

        Assert.Empty(pipeline.Settings);
        Assert.Same(ModelProviders.Default, pipeline.ReadRunOptions().Models);
    }
}
