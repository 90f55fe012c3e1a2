using BatchFactory.Testing;
using BatchFactory.Tests.Support;
using static BatchFactory.Ops;

namespace BatchFactory.Tests.Brokers.Providers;

/// <summary>Anthropic's model list (<c>GET /v1/models</c> in Anthropic's shape, paged) checked before any entry moves.</summary>
public sealed class AnthropicModelListTests : IAsyncLifetime
{
    private const string Key = "sk-ant-list-secret-31";
    private OpenAICompatibleServer _listing = null!;
    private OpenAICompatibleServer _unlisted = null!;

    public async ValueTask InitializeAsync()
    {
        _listing = await OpenAICompatibleServer.StartAsync(
            new TestServerOptions { Models = ["claude-sonnet-4-5-20250929", "claude-haiku-4-5-20251001", "claude-opus-4-20250514", "claude-3-7-sonnet-20250219"] },
            TestRuns.Token);
        _unlisted = await OpenAICompatibleServer.StartAsync(cancellationToken: TestRuns.Token);
    }

    public async ValueTask DisposeAsync()
    {
        await _listing.DisposeAsync();
        await _unlisted.DisposeAsync();
    }

    [Fact]
    public async Task Run_ModelNotOnAnthropicsList_FailsBeforeAnyCallSuggestingNearMatches()
    {
        var error = await Assert.ThrowsAsync<ModelConfigurationException>(() => Poems("claude-sonet-4-5@anthropic").RunAsync(Options(_listing), TestRuns.Token));

        Assert.Contains("'claude-sonet-4-5@anthropic' is not among the models the provider 'anthropic' lists", error.Message, StringComparison.Ordinal);
        Assert.Contains("Did you mean 'claude-sonnet-4-5@anthropic'", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, _listing.ChatRequests);
    }

    [Theory]
    [InlineData("claude-haiku-4-5-20251001")]
    [InlineData("claude-sonnet-4-5")]
    [InlineData("claude-3-7-sonnet-latest")]
    [InlineData("claude-opus-4-0")]
    public async Task Run_DatedIdOrItsAlias_IsAnswered(string model)
    {
        var result = await Poems($"{model}@anthropic").RunCheckedAsync(Options(_listing), TestRuns.Token);

        Assert.Equal([$"Echo[{model}]: Poem about sea"], result.Values<string>());
        Assert.Equal(1, _listing.ModelListRequests);
    }

    [Fact]
    public async Task ListModelsAsync_ListLongerThanAPage_ReadsEveryPage()
    {
        var models = Enumerable.Range(0, 1_005).Select(i => $"claude-test-{i:D4}").ToArray();
        await using var server = await OpenAICompatibleServer.StartAsync(new TestServerOptions { Models = models }, TestRuns.Token);

        var listed = await Provider(server).ListModelsAsync(TestRuns.Token);

        Assert.NotNull(listed);
        Assert.Superset(models.ToHashSet(), listed.ToHashSet());
        Assert.Equal(2, server.ModelListRequests);
    }

    [Fact]
    public async Task ListModelsAsync_ServerWithoutAList_IsNull_AndAnyModelIsAccepted()
    {
        Assert.Null(await Provider(_unlisted).ListModelsAsync(TestRuns.Token));

        var result = await Poems("claude-next-9@anthropic").RunCheckedAsync(Options(_unlisted), TestRuns.Token);

        Assert.Equal(["Echo[claude-next-9]: Poem about sea"], result.Values<string>());
    }

    [Fact]
    public async Task Run_ModelTheServerDoesNotServe_WithoutAList_FirstCalls404OpensTheBreakerNamingTheModel()
    {
        await using var server = await OpenAICompatibleServer.StartAsync(
            new TestServerOptions { FailureSelector = r => r.Model == "claude-next-9" ? Failure.HttpStatus(404) : null },
            TestRuns.Token);
        var topics = FromList(Enumerable.Range(0, 40).Select(i => $"sea {i}"), outputKey: "topic");

        var error = await Assert.ThrowsAsync<ProviderUnavailableException>(() =>
            (topics | AskLLM("Poem about {topic}", "claude-next-9@anthropic", "poem", new AskOptions { Concurrency = 4 }) | ToList("poem")).RunAsync(Options(server), TestRuns.Token));

        Assert.Equal(("claude-next-9@anthropic", 404), (error.Model, error.StatusCode));
        Assert.Contains("'claude-next-9@anthropic'", error.Message, StringComparison.Ordinal);
        Assert.Contains("model's name", error.Message, StringComparison.Ordinal);
        Assert.InRange(server.ChatRequests, 1, 4); // the calls already in flight when the first 404 came, not 40
        Assert.DoesNotContain(Key, error.Message, StringComparison.Ordinal);
    }

    private static Graph Poems(string model) =>
        FromList(new[] { "sea" }, outputKey: "topic") | AskLLM("Poem about {topic}", model, "poem") | ToList("poem");

    private static AnthropicProvider Provider(OpenAICompatibleServer server)
    {
        var environment = new Dictionary<string, string> { [AnthropicProvider.ApiKeyVariable] = Key, [AnthropicProvider.BaseUrlVariable] = server.Root.ToString() };
        return new AnthropicProvider(environment.GetValueOrDefault);
    }

    private static RunOptions Options(OpenAICompatibleServer server) => new() { Models = ModelProviders.Default.With(Provider(server)) };
}
