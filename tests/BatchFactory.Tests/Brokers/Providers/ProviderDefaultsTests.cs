using BatchFactory.Testing;
using BatchFactory.Tests.Support;
using static BatchFactory.Ops;

namespace BatchFactory.Tests.Brokers.Providers;

/// <summary>A named provider's own rate limits and prices (<see cref="ProviderSettings.Limits"/>, <see cref="ProviderSettings.Prices"/>), and what wins over them.</summary>
public sealed class ProviderDefaultsTests : IAsyncLifetime
{
    private readonly InFlight _inFlight = new();
    private OpenAICompatibleServer _server = null!;

    public async ValueTask InitializeAsync() =>
        _server = await OpenAICompatibleServer.StartAsync(new TestServerOptions { ChatResponder = _inFlight.Answer }, TestRuns.Token);

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    [Fact]
    public async Task Run_ProviderPrices_PriceItsModelsAboveTheBuiltInList()
    {
        // "Poem about sea" is 3 input tokens at the test server: $1 per million input tokens is $0.000003 a call.
        var models = ModelProviders.Default.With("farm", Farm(prices: new() { ["qwen3"] = Price(1_000_000), ["GPT-4o-mini"] = Price(2_000_000) }));

        var qwen = await Ask("qwen3@farm", new RunOptions { Models = models });
        var mini = await Ask("gpt-4o-mini@farm", new RunOptions { Models = models });

        Assert.Equal(3m, qwen.Summary.Totals.Cost);
        Assert.Equal(6m, mini.Summary.Totals.Cost); // not the built-in $0.15 per million of gpt-4o-mini
    }

    [Fact]
    public async Task Run_RunPriceForTheModel_WinsOverTheProvidersPrice()
    {
        var models = ModelProviders.Default.With("farm", Farm(prices: new() { ["qwen3"] = Price(1_000_000) }));

        var result = await Ask("qwen3@farm", new RunOptions { Models = models, Prices = ModelPrices.Default.With("qwen3", 3_000_000, 0) });

        Assert.Equal(9m, result.Summary.Totals.Cost);
    }

    [Fact]
    public async Task Run_ProviderPriceOfAnotherProvider_LeavesTheModelUnpriced()
    {
        var models = ModelProviders.Default
            .With("farm", Farm(prices: new() { ["qwen3"] = Price(1_000_000) }))
            .With("other", Farm());

        var result = await Ask("qwen3@other", new RunOptions { Models = models });

        Assert.Equal(0m, result.Summary.Totals.Cost);
        Assert.Contains("Warning: no price for qwen3@other", result.Summary.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_ProviderLimits_HoldItsModelToOneCallInFlight()
    {
        var models = ModelProviders.Default.With("farm", Farm(limits: new RateLimitOptions { MaxConcurrency = 1 }));

        await Ask("qwen3@farm", new RunOptions { Models = models }, entries: 6);

        Assert.Equal(6, _server.ChatRequests);
        Assert.Equal(1, _inFlight.Peak);
    }

    [Fact]
    public async Task Run_BrokerForTheModel_WinsOverTheProvidersLimits()
    {
        var models = ModelProviders.Default.With("farm", Farm(limits: new RateLimitOptions { MaxConcurrency = 1 }));
        var brokerFor = new Dictionary<string, BrokerOptions> { ["qwen3@farm"] = new() { RateLimit = new RateLimitOptions { MaxConcurrency = 6 } } };

        await Ask("qwen3@farm", new RunOptions { Models = models, BrokerFor = brokerFor }, entries: 6);

        Assert.True(_inFlight.Peak > 1, $"at most {_inFlight.Peak} call(s) were in flight at once");
    }

    [Fact]
    public void BrokerFor_ProviderLimits_KeepTheRunsRetriesAndBreaker()
    {
        var retry = new RetryOptions { MaxRetries = 1 };
        var options = new RunOptions
        {
            Models = ModelProviders.Default.With("FARM", Farm(limits: new RateLimitOptions { RequestsPerMinute = 60 })),
            Broker = new BrokerOptions { Retry = retry, RateLimit = new RateLimitOptions { RequestsPerMinute = 600 } },
        };

        var setup = BatchFactory.Engine.RunContext.BrokerSetup(options);

        var farm = setup.For(new ModelSpec("qwen3", "farm"));
        Assert.Equal((60, retry), (farm.RateLimit!.RequestsPerMinute, farm.Retry));
        Assert.Same(options.Broker.CircuitBreaker, farm.CircuitBreaker);
        Assert.Equal(600, setup.For(new ModelSpec("gpt-4o-mini", "openai")).RateLimit!.RequestsPerMinute);
    }

    [Theory]
    [InlineData(0, null, null, "Providers:farm:Limits:RequestsPerMinute is 0; it must be 1 or more")]
    [InlineData(null, -1.0, 0.0, "Providers:farm:Prices:qwen3:Input is -1; a price is US dollars per million tokens")]
    [InlineData(null, 1.0, null, "Providers:farm:Prices:qwen3:Output is not set")]
    public void With_BadLimitOrPrice_ThrowsNamingItsPath(int? requestsPerMinute, double? input, double? output, string expected)
    {
        var settings = new ProviderSettings { Kind = "offline", Limits = requestsPerMinute is null ? null : new RateLimitOptions { RequestsPerMinute = requestsPerMinute } };
        if (input is not null)
        {
            settings.Prices["qwen3"] = new PriceSettings { Input = (decimal?)input, Output = (decimal?)output };
        }

        var error = Assert.Throws<ModelConfigurationException>(() => ModelProviders.Default.With("farm", settings));

        Assert.StartsWith(expected, error.Message, StringComparison.Ordinal);
    }

    private static PriceSettings Price(decimal input) => new() { Input = input, Output = 0 };

    private ProviderSettings Farm(Dictionary<string, PriceSettings>? prices = null, RateLimitOptions? limits = null) =>
        new() { Kind = "openai-compatible", BaseUrl = _server.BaseUri.ToString(), Prices = prices ?? [], Limits = limits };

    private static Task<RunResult> Ask(string model, RunOptions options, int entries = 1) =>
        (FromList(Enumerable.Range(0, entries).Select(i => i == 0 ? "sea" : $"sea{i}"), outputKey: "topic")
            | AskLLM("Poem about {topic}", model, "poem")
            | ToList("poem"))
        .RunCheckedAsync(options, TestRuns.Token);

    /// <summary>Answers after a short pause, counting the most answers in the making at once.</summary>
    private sealed class InFlight
    {
        private int _now;
        private int _peak;

        public int Peak => Volatile.Read(ref _peak);

        public string Answer(ChatRequestInfo request)
        {
            var now = Interlocked.Increment(ref _now);
            int peak;
            while (now > (peak = Volatile.Read(ref _peak)) && Interlocked.CompareExchange(ref _peak, now, peak) != peak)
            {
            }

            Thread.Sleep(50);
            Interlocked.Decrement(ref _now);
            return $"Echo: {request.LastUserMessage}";
        }
    }
}
