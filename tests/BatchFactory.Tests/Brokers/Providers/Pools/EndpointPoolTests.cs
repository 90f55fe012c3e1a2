using BatchFactory.Testing;
using BatchFactory.Tests.Support;
using static BatchFactory.Ops;

namespace BatchFactory.Tests.Brokers.Providers.Pools;

/// <summary>A pool of loopback servers serving one model: balanced, surviving a server that stops, taking it back when it returns.</summary>
public sealed class EndpointPoolTests : IAsyncLifetime
{
    private readonly OpenAICompatibleServer?[] _servers = new OpenAICompatibleServer?[3];

    public async ValueTask InitializeAsync()
    {
        for (var i = 0; i < _servers.Length; i++)
        {
            _servers[i] = await OpenAICompatibleServer.StartAsync(new TestServerOptions { Latency = TimeSpan.FromMilliseconds(20) }, TestRuns.Token);
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var server in _servers)
        {
            await (server?.DisposeAsync() ?? ValueTask.CompletedTask);
        }
    }

    [Fact]
    public async Task Run_OneServerStopsMidRun_NoEntryIsLost_TheOthersTakeTheLoad_AndItRejoinsWhenRestarted()
    {
        var models = ModelProviders.Default.With("farm", new ProviderSettings
        {
            Kind = "openai-compatible",
            BaseUrls = [.. _servers.Select(s => s!.BaseUri.ToString())],
            MaxConcurrencyPerEndpoint = 4,
            HealthProbeInterval = TimeSpan.FromMilliseconds(50),
        });
        var stopped = _servers[1]!;
        var port = stopped.BaseUri.Port;

        var run = Poems(0, 60).RunCheckedAsync(Options(models), TestRuns.Token);
        await Eventually.TrueAsync(() => stopped.ChatRequests >= 3, "the second server took requests");
        await stopped.DisposeAsync();
        _servers[1] = null;
        var result = await run;

        Assert.Equal(RunStatus.Completed, result.Summary.Status);
        Assert.Equal(60, result.Values<string>().Count);
        Assert.True(_servers[0]!.ChatRequests + _servers[2]!.ChatRequests >= 60 - stopped.ChatRequests, "the two servers left answered every request the stopped one did not");

        var restarted = await OpenAICompatibleServer.StartAsync(new TestServerOptions { Port = port, Latency = TimeSpan.FromMilliseconds(20) }, TestRuns.Token);
        _servers[1] = restarted;
        for (var round = 1; round <= 20 && restarted.ChatRequests == 0; round++)
        {
            Assert.Equal(12, (await Poems(round * 100, 12).RunCheckedAsync(Options(models), TestRuns.Token)).Values<string>().Count);
        }

        Assert.True(restarted.ChatRequests > 0, "the restarted server rejoins the pool after a health probe");
    }

    [Fact]
    public async Task Run_AllServersUp_SpreadsTheRequestsOverEveryServer_AndNamesTheEndpointInTheAnswer()
    {
        var models = ModelProviders.Default.With("farm", new ProviderSettings { Kind = "openai-compatible", BaseUrls = [.. _servers.Select(s => s!.BaseUri.ToString())], MaxConcurrencyPerEndpoint = 2 });

        var result = await (FromList(Enumerable.Range(0, 30).Select(i => $"topic {i}"), outputKey: "topic")
            | GenerateLLMRequest("Poem about {topic}", "qwen3@farm")
            | CallLLM()
            | OutputEntries()).RunCheckedAsync(Options(models), TestRuns.Token);

        Assert.Equal(30, result.Entries.Count);
        Assert.All(_servers, s => Assert.True(s!.ChatRequests > 0));
        var endpoints = result.Entries.Select(e => e.Data["llm_response"]!["endpoint"]!.GetValue<string>()).Distinct().Order();
        Assert.Equal(_servers.Select(s => s!.BaseUri.ToString()).Order(), endpoints);
        Assert.All(result.Entries, e => Assert.Equal(
            ((string?)e.Data["llm_response"]!["endpoint"], "qwen3@farm"),
            ((string?)e.Meta["llm_endpoint"], (string?)e.Meta["llm_model"])));
    }

    private static Graph Poems(int from, int count) =>
        FromList(Enumerable.Range(from, count).Select(i => $"topic {i}"), outputKey: "topic") | AskLLM("Poem about {topic}", "qwen3@farm", "poem", new AskOptions { Concurrency = 12 }) | ToList("poem");

    private static RunOptions Options(ModelProviders models) =>
        new() { Models = models, Broker = new BrokerOptions { Retry = new RetryOptions { MaxRetries = 2, BaseDelay = TimeSpan.FromMilliseconds(10), MaxDelay = TimeSpan.FromMilliseconds(50) } } };
}
