using BatchFactory.Testing;
using BatchFactory.Tests.Support;
using static BatchFactory.Ops;

namespace BatchFactory.Tests.Brokers.Providers;

/// <summary>AskLLM through Anthropic's official SDK against the loopback server's Messages API.</summary>
public sealed class AnthropicLoopbackTests : IAsyncLifetime
{
    private const string Key = "sk-ant-loopback-secret-99";
    private OpenAICompatibleServer _server = null!;

    public async ValueTask InitializeAsync() => _server = await OpenAICompatibleServer.StartAsync(cancellationToken: TestRuns.Token);

    public async ValueTask DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task AskLLM_AnswersWithUsageAndCost_AtTheMessagesPath()
    {
        var result = await RunAsync(Poems("claude-haiku-4-5@anthropic", "sea"));

        Assert.Equal(["Echo[claude-haiku-4-5]: Poem about sea"], result.Values<string>());
        var request = Assert.Single(_server.Requests);
        Assert.Equal("/v1/messages", request.Path);
        var stats = result.Summary.Nodes.Single(o => o.Broker is not null).Broker!;
        Assert.Equal((3L, 4L), (stats.InputTokens, stats.OutputTokens));
        Assert.Equal(((3 * 1.00m) + (4 * 5.00m)) / 1_000_000m, stats.Cost);
    }

    [Fact]
    public async Task AskLLM_TooManyRequestsWithRetryAfter_WaitsThatLongThenSucceeds()
    {
        _server.FailNext(1, Failure.TooManyRequests(retryAfterSeconds: 1));

        var result = await RunAsync(Poems("claude-sonnet-4-5@anthropic", "sea"));

        Assert.Equal(["Echo[claude-sonnet-4-5]: Poem about sea"], result.Values<string>());
        var requests = _server.Requests;
        Assert.Equal(2, requests.Count);
        Assert.True(requests[1].ReceivedAt - requests[0].ReceivedAt >= TimeSpan.FromSeconds(0.95), $"the retry came {(requests[1].ReceivedAt - requests[0].ReceivedAt).TotalMilliseconds} ms after the 429, before its retry-after of 1 s");
        Assert.Equal(1, result.Summary.Totals.RateLimited);
    }

    [Fact]
    public async Task AskLLM_Overloaded529_IsRetried()
    {
        _server.FailNext(2, Failure.HttpStatus(529));

        var result = await RunAsync(Poems("claude-sonnet-4-5@anthropic", "sea"));

        Assert.Equal(["Echo[claude-sonnet-4-5]: Poem about sea"], result.Values<string>());
        Assert.Equal(3, _server.ChatRequests);
        Assert.Equal(2, result.Summary.Totals.Retries);
    }

    [Fact]
    public async Task AskLLM_BadRequest_FailsTheEntryWithTheServersMessage_WithoutRetrying_AndTheKeyAppearsNowhere()
    {
        _server.FailNext(1, Failure.HttpStatus(400));

        var result = await (FromList(new[] { "sea" }, outputKey: "topic") | AskLLM("Poem about {topic}", "claude-sonnet-4-5@anthropic", "poem", new AskOptions { OnFailure = OnCallFailure.Emit, ExtraAttempts = 0 }) | OutputEntries())
            .RunCheckedAsync(Options(), TestRuns.Token);

        Assert.Equal(1, _server.ChatRequests);
        var entry = Assert.Single(result.Entries);
        Assert.Contains("HTTP 400", entry.Get<string>("error"));
        Assert.DoesNotContain(Key, result.Summary.ToString());
    }

    [Fact]
    public async Task AskLLM_SamplingSettings_MaxTokensAndStopReachTheMessagesRequest_TemperatureAndTopPAreLeftOut()
    {
        await using var server = await OpenAICompatibleServer.StartAsync(new TestServerOptions { RecordBodies = true }, TestRuns.Token);
        var environment = new Dictionary<string, string> { [AnthropicProvider.ApiKeyVariable] = Key, [AnthropicProvider.BaseUrlVariable] = server.Root.ToString() };
        var llm = new LlmOptions { Temperature = 0.25, TopP = 0.5, MaxTokens = 77, Stop = ["END"] };

        await (FromList(new[] { "sea" }, outputKey: "topic") | AskLLM("Poem about {topic}", "claude-sonnet-4-5@anthropic", "poem", new AskOptions { Llm = llm }))
            .RunCheckedAsync(new RunOptions { Models = ModelProviders.Default.With(new AnthropicProvider(environment.GetValueOrDefault)) }, TestRuns.Token);

        // The Anthropic SDK (13.15) has no temperature or top_p on its Messages request (current Claude models refuse
        // the two together), so they are not sent, as the README says; the batch params leave them out the same way.
        var body = System.Text.Json.Nodes.JsonNode.Parse(Assert.Single(server.Requests).Body!)!.AsObject();
        Assert.Equal(77, body["max_tokens"]?.GetValue<int>());
        Assert.Equal("END", body["stop_sequences"]?[0]?.GetValue<string>());
        Assert.False(body.ContainsKey("temperature"));
        Assert.False(body.ContainsKey("top_p"));
    }

    [Fact]
    public void Validate_KeyNotSet_NamesTheVariable()
    {
        var error = Assert.Throws<ModelConfigurationException>(() => new AnthropicProvider(_ => null).Validate("claude-sonnet-4-5"));

        Assert.Contains(AnthropicProvider.ApiKeyVariable, error.Message);
    }

    [Fact]
    public async Task NamedAnthropicProvider_FromSettings_TalksToItsBaseUrl()
    {
        var models = ModelProviders.Default.With(
            "claude",
            new ProviderSettings { Kind = "anthropic", BaseUrl = _server.Root.ToString(), ApiKeyVariable = "MY_CLAUDE_KEY" },
            new Dictionary<string, string> { ["MY_CLAUDE_KEY"] = Key }.GetValueOrDefault);

        var result = await Poems("claude-opus-4-5@claude", "fire").RunCheckedAsync(new RunOptions { Models = models }, TestRuns.Token);

        Assert.Equal(["Echo[claude-opus-4-5]: Poem about fire"], result.Values<string>());
    }

    private static Graph Poems(string model, string topic) =>
        FromList(new[] { topic }, outputKey: "topic") | AskLLM("Poem about {topic}", model, "poem") | ToList("poem");

    private RunOptions Options()
    {
        var environment = new Dictionary<string, string>
        {
            [AnthropicProvider.ApiKeyVariable] = Key,
            [AnthropicProvider.BaseUrlVariable] = _server.Root.ToString(),
        };
        return new RunOptions
        {
            Models = ModelProviders.Default.With(new AnthropicProvider(environment.GetValueOrDefault)),
            Broker = new BrokerOptions { Retry = new RetryOptions { MaxRetries = 3, BaseDelay = TimeSpan.FromMilliseconds(1), MaxDelay = TimeSpan.FromMilliseconds(5) } },
        };
    }

    private Task<RunResult> RunAsync(Graph graph) => graph.RunCheckedAsync(Options(), TestRuns.Token);
}
