using BatchFactory.Testing;
using BatchFactory.Tests.Support;
using static BatchFactory.Ops;

namespace BatchFactory.Tests.Brokers.Providers;

/// <summary>Fallback chains over real HTTP: the next member answers when the first is down, and every member's answers are reused.</summary>
public sealed class FallbackChainTests : IAsyncLifetime
{
    private static readonly string[] Topics = ["sea", "fire", "sky", "rock", "wind"];
    private static readonly RetryOptions NoRetries = new() { MaxRetries = 0 };
    private readonly TempFolder _data = new();
    private OpenAICompatibleServer _secondary = null!;
    private Uri _closed = null!;

    public async ValueTask InitializeAsync()
    {
        _secondary = await OpenAICompatibleServer.StartAsync(cancellationToken: TestRuns.Token);
        var stopped = await OpenAICompatibleServer.StartAsync(cancellationToken: TestRuns.Token);
        _closed = stopped.BaseUri;
        await stopped.DisposeAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await _secondary.DisposeAsync();
        _data.Dispose();
    }

    [Fact]
    public async Task Run_PrimaryRefusesConnections_CompletesOnTheSecondary_AndTheAnswerNamesIt()
    {
        var result = await RunAsync(Models(_closed), Poems("writer@fallback") | ToList("poem"));

        Assert.Equal(RunStatus.Completed, result.Summary.Status);
        Assert.Equal(Topics.Select(t => $"Echo[small]: Poem about {t}").Order(), result.Values<string>().Order());
        Assert.Equal(Topics.Length, _secondary.ChatRequests);
        Assert.Contains("\"model\":\"small@secondary\"", LedgerText());
    }

    [Fact]
    public async Task Run_PrimaryRefusesConnections_OpensItsBreaker_AndTheChainStopsAskingIt()
    {
        using var logs = new ListLoggerFactory();
        var broker = new BrokerOptions { Retry = NoRetries, CircuitBreaker = new CircuitBreakerOptions { ConsecutiveFailures = 2 } };

        var result = await RunAsync(Models(_closed), Poems("writer@fallback", concurrency: 1) | ToList("poem"), broker, logs);

        Assert.Equal(Topics.Select(t => $"Echo[small]: Poem about {t}").Order(), result.Values<string>().Order());
        Assert.Equal(Topics.Length, _secondary.ChatRequests);

        // Two refused connections, the second of which opened the primary's breaker; the other entries went straight to
        // the secondary, without trying the primary.
        var fellBack = logs.Entries.Where(e => e.Message.Contains("falling back to the chain's next model", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, fellBack.Count);
        Assert.Contains("The provider of 'big@primary' is unavailable", fellBack[1].Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_PrimaryAnswers429WithALongRetryAfter_TheChainMovesOnInsteadOfWaiting_AndSkipsThePrimaryWhileItPauses()
    {
        await using var primary = await OpenAICompatibleServer.StartAsync(new TestServerOptions { FailureSelector = _ => Failure.TooManyRequests(retryAfterSeconds: 30) }, TestRuns.Token);
        var models = Models(primary.BaseUri, maxWait: TimeSpan.FromSeconds(1));
        var broker = new BrokerOptions { Retry = new RetryOptions { MaxRetries = 1 } };
        using var logs = new ListLoggerFactory();

        var result = await RunAsync(models, Poems("writer@fallback", concurrency: 1) | ToList("poem"), broker, logs);

        Assert.Equal(Topics.Select(t => $"Echo[small]: Poem about {t}").Order(), result.Values<string>().Order());

        // The first entry's 429 asked for 30 s, longer than the chain waits (1 s): it was not retried on the primary, and
        // the pause it set sent the later entries to the secondary without asking the primary.
        Assert.Equal(1, primary.ChatRequests);
        Assert.Equal(Topics.Length, _secondary.ChatRequests);
        Assert.Single(logs.Entries, e => e.Message.Contains("falling back to the chain's next model", StringComparison.Ordinal));
        Assert.Equal(1, result.Summary.Totals.RateLimited); // the 429 shows in the summary
    }

    [Fact]
    public async Task Run_PrimaryKeepsFailing_OpensItsBreaker_ThenSkipsIt()
    {
        await using var primary = await OpenAICompatibleServer.StartAsync(new TestServerOptions { FailureSelector = _ => Failure.Abort() }, TestRuns.Token);
        var broker = new BrokerOptions { Retry = NoRetries, CircuitBreaker = new CircuitBreakerOptions { ConsecutiveFailures = 2 } };

        var result = await RunAsync(Models(primary.BaseUri), Poems("writer@fallback", concurrency: 1) | ToList("poem"), broker);

        Assert.Equal(Topics.Length, result.Values<string>().Count);
        Assert.All(result.Values<string>(), poem => Assert.StartsWith("Echo[small]", poem, StringComparison.Ordinal));

        // The breaker opened after two connection errors, and the chain skipped the primary from then on.
        Assert.Equal(2, primary.ChatRequests);
    }

    [Fact]
    public async Task Rerun_AfterAFallbackRun_MakesNoCall_AndADirectCallOfTheMemberIsServedToo()
    {
        var models = Models(_closed);
        await RunAsync(models, Poems("writer@fallback") | ToList("poem"));
        _secondary.Reset();

        var rerun = await RunAsync(models, Poems("writer@fallback") | ToList("poem"));
        var direct = await RunAsync(models, Poems("small@secondary") | ToList("poem"));

        Assert.Equal((0L, (long)Topics.Length), (rerun.Calls, rerun.CachedCalls));
        Assert.Equal((0L, (long)Topics.Length), (direct.Calls, direct.CachedCalls));
        Assert.Equal(0, _secondary.ChatRequests);
    }

    [Fact]
    public async Task Run_ChainLookup_FindsAnAnswerTheFirstMemberGaveEarlier()
    {
        await using var primary = await OpenAICompatibleServer.StartAsync(cancellationToken: TestRuns.Token);
        var models = Models(primary.BaseUri);
        await RunAsync(models, Poems("big@primary") | ToList("poem"));

        var chained = await RunAsync(models, Poems("writer@fallback") | ToList("poem"));

        Assert.Equal(0, chained.Calls);
        Assert.All(chained.Values<string>(), poem => Assert.StartsWith("Echo[big]", poem, StringComparison.Ordinal));
        Assert.Equal(0, _secondary.ChatRequests);
    }

    [Fact]
    public async Task Run_AnsweredAndServedFromTheLedger_EntryMetaNamesTheMemberThatAnswered()
    {
        var models = Models(_closed);

        var fresh = await RunAsync(models, Poems("writer@fallback") | OutputEntries());
        var rerun = await RunAsync(models, Poems("writer@fallback") | OutputEntries());

        Assert.Equal((0L, (long)Topics.Length), (rerun.Calls, rerun.CachedCalls));
        Assert.All(fresh.Entries.Concat(rerun.Entries), entry =>
        {
            Assert.Equal("small@secondary", (string?)entry.Meta["llm_model"]);
            Assert.False(entry.Has("llm_response")); // AskLLM removed the response; the meta stays
            Assert.False(entry.Meta.ContainsKey("llm_endpoint")); // one server, not a pool
        });
    }

    [Fact]
    public async Task AskLLMOfT_AnsweredAndServedFromTheLedger_EntryMetaNamesTheMemberThatAnswered()
    {
        var models = Models(_closed);
        var graph = FromList(Topics, outputKey: "topic", idxKey: "topic") | AskLLM<Haiku>("Haiku about {topic}", "writer@fallback", "haiku") | OutputEntries();

        var fresh = await RunAsync(models, graph);
        var rerun = await RunAsync(models, graph);

        Assert.Equal((0L, (long)Topics.Length), (rerun.Calls, rerun.CachedCalls));
        Assert.All(fresh.Entries.Concat(rerun.Entries), entry => Assert.Equal("small@secondary", (string?)entry.Meta["llm_model"]));
    }

    [Fact]
    public async Task EmbedText_AnsweredAndServedFromTheLedger_EntryMetaNamesTheMemberThatAnswered()
    {
        var models = Models(_closed);
        var graph = FromList(Topics, outputKey: "topic", idxKey: "topic") | EmbedText("topic", "writer@fallback", "vector") | OutputEntries();

        var fresh = await RunAsync(models, graph);
        var rerun = await RunAsync(models, graph);

        Assert.Equal((0L, (long)Topics.Length), (rerun.Calls, rerun.CachedCalls));
        Assert.All(fresh.Entries.Concat(rerun.Entries), entry => Assert.Equal("small@secondary", (string?)entry.Meta["llm_model"]));
        Assert.Equal(Topics.Length, _secondary.EmbeddingRequests);
    }

    [Fact]
    public async Task Run_ChainWithAnUnknownProvider_FailsBeforeAnyCallNamingTheMember()
    {
        var models = ModelProviders.Default.WithFallback("writer", ["big@nowhere", "small@offline"]);

        var error = await Assert.ThrowsAsync<ModelConfigurationException>(() => (FromList(Topics, outputKey: "topic") | AskLLM("Poem about {topic}", "writer@fallback", "poem") | ToList("poem")).RunAsync(new RunOptions { Models = models }, TestRuns.Token));

        Assert.Contains("The fallback chain 'writer@fallback' has the member 'big@nowhere', which cannot be used", error.Message);
    }

    [Theory]
    [InlineData(new[] { "big@primary" }, "Strategies:writer:Fallback lists 1 model(s)")]
    [InlineData(new[] { "big@primary", "small" }, "Strategies:writer:Fallback:1 is 'small'")]
    [InlineData(new[] { "big@primary", "other@fallback" }, "Strategies:writer:Fallback:1 is the chain 'other@fallback'")]
    public void WithFallback_BadMembers_ThrowsNamingTheSetting(string[] members, string expected)
    {
        var error = Assert.Throws<ModelConfigurationException>(() => ModelProviders.Default.WithFallback("writer", members));

        Assert.StartsWith(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Resolve_UnknownChain_SuggestsTheNearOne() =>
        Assert.Contains(
            "Did you mean 'writer@fallback'?",
            Assert.Throws<ModelConfigurationException>(() => ModelProviders.Default.WithFallback("writer", ["a@offline", "b@offline"]).Resolve(new ModelSpec("writter", "fallback"))).Message);

    private ModelProviders Models(Uri primary, TimeSpan? maxWait = null) => ModelProviders.Default
        .With("primary", new ProviderSettings { Kind = "openai-compatible", BaseUrl = primary.ToString() })
        .With("secondary", new ProviderSettings { Kind = "openai-compatible", BaseUrl = _secondary.BaseUri.ToString() })
        .WithFallback("writer", ["big@primary", "small@secondary"], maxWait);

    private static Graph Poems(string model, int concurrency = 64) =>
        FromList(Topics, outputKey: "topic", idxKey: "topic") | AskLLM("Poem about {topic}", model, "poem", new AskOptions { Concurrency = concurrency });

    private string LedgerText() => string.Concat(Directory.GetFiles(_data.Path, "*", SearchOption.AllDirectories).Select(File.ReadAllText));

    private async Task<RunResult> RunAsync(ModelProviders models, Graph graph, BrokerOptions? broker = null, ListLoggerFactory? logs = null)
    {
        await using var project = ProjectFolder.Open("fallback", "1", new ProjectFolderOptions { DataDirectory = _data.Path });
        return await graph.RunCheckedAsync(new RunOptions { Project = project, Models = models, Broker = broker ?? new BrokerOptions { Retry = NoRetries }, LoggerFactory = logs }, TestRuns.Token);
    }

    /// <summary>A typed answer for the AskLLM&lt;T&gt; case.</summary>
    public sealed record Haiku(string Text);
}
