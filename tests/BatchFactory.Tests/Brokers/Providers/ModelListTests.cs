using BatchFactory.Testing;
using BatchFactory.Tests.Support;
using static BatchFactory.Ops;

namespace BatchFactory.Tests.Brokers.Providers;

/// <summary>No stale allow-list: any model name is accepted, and checked against the server's own list before any entry moves.</summary>
public sealed class ModelListTests : IAsyncLifetime
{
    private const string Key = "sk-model-list-secret-7";
    private OpenAICompatibleServer _listing = null!;
    private OpenAICompatibleServer _unlisted = null!;

    public async ValueTask InitializeAsync()
    {
        _listing = await OpenAICompatibleServer.StartAsync(new TestServerOptions { Models = ["gpt-4o-mini", "gpt-4o", "text-embedding-3-small"] }, TestRuns.Token);
        _unlisted = await OpenAICompatibleServer.StartAsync(cancellationToken: TestRuns.Token);
    }

    public async ValueTask DisposeAsync()
    {
        await _listing.DisposeAsync();
        await _unlisted.DisposeAsync();
    }

    [Fact]
    public async Task Run_ModelNotOnTheServersList_FailsBeforeAnyCallSuggestingNearMatches()
    {
        var error = await Assert.ThrowsAsync<ModelConfigurationException>(() => Poems("gpt-4o-mni@openai").RunAsync(Options(_listing), TestRuns.Token));

        Assert.Contains("'gpt-4o-mni@openai' is not among the models the provider 'openai' lists", error.Message);
        Assert.Contains("Did you mean 'gpt-4o-mini@openai'", error.Message);
        Assert.Contains("Op 'AskLLM", error.Message);
        Assert.Equal(0, _listing.ChatRequests);
    }

    [Fact]
    public async Task Run_ModelOnTheList_IsAnswered_AndTheListIsAskedOncePerRun()
    {
        var graph = FromList(new[] { "sea" }, outputKey: "topic")
            | AskLLM("Poem about {topic}", "gpt-4o-mini@openai", "poem")
            | EmbedText("poem", "text-embedding-3-small@openai")
            | ToList("poem");

        var result = await graph.RunCheckedAsync(Options(_listing), TestRuns.Token);

        Assert.Equal(["Echo[gpt-4o-mini]: Poem about sea"], result.Values<string>());
        Assert.Equal(1, _listing.ModelListRequests);
    }

    [Fact]
    public async Task Run_NewModelNameOnAServerWithoutAList_IsAcceptedAsGiven()
    {
        var result = await Poems("gpt-9@openai").RunCheckedAsync(Options(_unlisted), TestRuns.Token);

        Assert.Equal(["Echo[gpt-9]: Poem about sea"], result.Values<string>());
        Assert.Equal(1, _unlisted.ModelListRequests);
    }

    [Fact]
    public async Task Run_ModelTheServerDoesNotServe_WithoutAList_FirstCalls404OpensTheBreakerNamingTheModel()
    {
        await using var server = await OpenAICompatibleServer.StartAsync(
            new TestServerOptions { FailureSelector = r => r.Model == "gpt-9" ? Failure.HttpStatus(404) : null },
            TestRuns.Token);
        var topics = FromList(Enumerable.Range(0, 40).Select(i => $"sea {i}"), outputKey: "topic");

        var error = await Assert.ThrowsAsync<ProviderUnavailableException>(() =>
            (topics | AskLLM("Poem about {topic}", "gpt-9@openai", "poem", new AskOptions { Concurrency = 4 }) | ToList("poem")).RunAsync(Options(server), TestRuns.Token));

        Assert.Equal(1, server.ModelListRequests); // asked, and there is no list: nothing was checked before the calls
        Assert.Equal(("gpt-9@openai", 404), (error.Model, error.StatusCode));
        Assert.Contains("'gpt-9@openai'", error.Message, StringComparison.Ordinal);
        Assert.Contains("model's name", error.Message, StringComparison.Ordinal);
        Assert.InRange(server.ChatRequests, 1, 4); // the calls already in flight when the first 404 came, not 40
        Assert.DoesNotContain(Key, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_ModelWithoutAPrice_CompletesAndTheSummarySaysTheCostIsUnknown()
    {
        var result = await Poems("gpt-9@openai").RunCheckedAsync(Options(_unlisted), TestRuns.Token);

        Assert.Equal(RunStatus.Completed, result.Summary.Status);
        Assert.Null(result.Summary.Nodes.Single(o => o.Broker is not null).Broker!.Cost);
        Assert.Contains("Warning: no price for gpt-9@openai", result.Summary.ToString());
    }

    [Fact]
    public async Task Run_OllamaNameWithoutTag_IsAcceptedAsTheListedLatest()
    {
        await using var ollama = await OpenAICompatibleServer.StartAsync(new TestServerOptions { Models = ["llama3.2:latest", "qwen3:8b"] }, TestRuns.Token);
        var models = ModelProviders.Default.With("local", new ProviderSettings { Kind = "ollama", BaseUrl = ollama.BaseUri.ToString() });

        var result = await Poems("llama3.2@local").RunCheckedAsync(new RunOptions { Models = models }, TestRuns.Token);

        Assert.Equal(["Echo[llama3.2]: Poem about sea"], result.Values<string>());
        Assert.Equal(1, ollama.ModelListRequests);
    }

    [Theory]
    [InlineData("llama3.3", "Did you mean 'llama3.2@local'?")] // suggested as it can be written, without ':latest'
    [InlineData("qwen3", "Did you mean 'qwen3:8b@local'?")] // only ':latest' is implied, not any tag
    [InlineData("llama3.2:lates", "Did you mean 'llama3.2:latest@local'?")]
    public async Task Run_NameNotOnATaggedList_FailsBeforeAnyCallWithItsNearMatch(string model, string suggestion)
    {
        await using var ollama = await OpenAICompatibleServer.StartAsync(new TestServerOptions { Models = ["llama3.2:latest", "qwen3:8b"] }, TestRuns.Token);
        var models = ModelProviders.Default.With("local", new ProviderSettings { Kind = "openai-compatible", BaseUrl = ollama.BaseUri.ToString() });

        var error = await Assert.ThrowsAsync<ModelConfigurationException>(() => Poems($"{model}@local").RunAsync(new RunOptions { Models = models }, TestRuns.Token));

        Assert.Contains($"'{model}@local' is not among the models the provider 'local' lists", error.Message);
        Assert.Contains(suggestion, error.Message);
        Assert.Equal(0, ollama.ChatRequests);
    }

    [Fact]
    public async Task Run_CheckModelsOff_AsksForNoListAndCallsTheServerWithTheNameGiven()
    {
        // llama.cpp's server lists its one model file, yet answers any model name.
        await using var llamaCpp = await OpenAICompatibleServer.StartAsync(new TestServerOptions { Models = ["/models/Qwen3-8B-Q4_K_M.gguf"] }, TestRuns.Token);
        var models = ModelProviders.Default.With("cpp", new ProviderSettings { Kind = "openai-compatible", BaseUrl = llamaCpp.BaseUri.ToString(), CheckModels = false });

        var result = await Poems("qwen3@cpp").RunCheckedAsync(new RunOptions { Models = models }, TestRuns.Token);

        Assert.Equal(["Echo[qwen3]: Poem about sea"], result.Values<string>());
        Assert.Equal((0L, 1L), (llamaCpp.ModelListRequests, llamaCpp.ChatRequests));
    }

    [Fact]
    public async Task Run_CheckModelsOffForAPool_AsksNoServerForAList()
    {
        await using var first = await OpenAICompatibleServer.StartAsync(new TestServerOptions { Models = ["other"] }, TestRuns.Token);
        await using var second = await OpenAICompatibleServer.StartAsync(new TestServerOptions { Models = ["other"] }, TestRuns.Token);
        var models = ModelProviders.Default.With("cpp", new ProviderSettings { Kind = "openai-compatible", BaseUrls = [first.BaseUri.ToString(), second.BaseUri.ToString()], CheckModels = false });

        var result = await Poems("qwen3@cpp").RunCheckedAsync(new RunOptions { Models = models }, TestRuns.Token);

        Assert.Equal(["Echo[qwen3]: Poem about sea"], result.Values<string>());
        Assert.Equal(0, first.ModelListRequests + second.ModelListRequests);
    }

    [Theory]
    [InlineData("azure")]
    [InlineData("offline")]
    public void With_CheckModelsOffForAKindWithoutAList_IsRefusedNamingTheSetting(string kind)
    {
        var error = Assert.Throws<ModelConfigurationException>(() => ModelProviders.Default.With("x", new ProviderSettings { Kind = kind, CheckModels = false }));

        Assert.Equal($"Providers:x:CheckModels is false, but an '{kind}' provider has no model list to check; remove the setting.", error.Message);
    }

    private static Graph Poems(string model) =>
        FromList(new[] { "sea" }, outputKey: "topic") | AskLLM("Poem about {topic}", model, "poem") | ToList("poem");

    private static RunOptions Options(OpenAICompatibleServer server) => new() { Models = LoopbackModels.For(server, Key) };
}
