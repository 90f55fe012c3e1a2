using BatchFactory.Testing;
using BatchFactory.Tests.Support;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using static BatchFactory.Ops;

namespace BatchFactory.Tests.Engine.Configuration;

/// <summary>Providers, strategies, broker options and prices read from configuration, and bad settings named by their path.</summary>
public sealed class BatchFactoryConfigurationTests
{
    [Fact]
    public async Task ReadRunOptions_ProvidersStrategiesBrokerAndPrices_RunAgainstTheConfiguredServer()
    {
        await using var server = await OpenAICompatibleServer.StartAsync(cancellationToken: TestRuns.Token);
        var options = BatchFactoryConfiguration.ReadRunOptions(Configuration(new()
        {
            ["BatchFactory:Providers:gpu-farm:Kind"] = "openai-compatible",
            ["BatchFactory:Providers:gpu-farm:BaseUrls:0"] = server.BaseUri.ToString(),
            ["BatchFactory:Providers:gpu-farm:BaseUrls:1"] = server.BaseUri.ToString(),
            ["BatchFactory:Strategies:writer:Fallback:0"] = "qwen3@gpu-farm",
            ["BatchFactory:Strategies:writer:Fallback:1"] = "qwen3@offline",
            ["BatchFactory:Broker:Retry:MaxRetries"] = "1",
            ["BatchFactory:Broker:RateLimit:RequestsPerMinute"] = "600",
            ["BatchFactory:BrokerFor:qwen3@gpu-farm:Retry:MaxRetries"] = "0",
            ["BatchFactory:Prices:qwen3:Input"] = "1000000",
            ["BatchFactory:Prices:qwen3:Output"] = "0",
            ["BatchFactory:TraceContent"] = "true",
        }));

        var result = await (FromList(new[] { "sea" }, outputKey: "topic") | AskLLM("Poem about {topic}", "writer@fallback", "poem") | ToList("poem"))
            .RunCheckedAsync(options, TestRuns.Token);

        Assert.Equal(["Echo[qwen3]: Poem about sea"], result.Values<string>());
        Assert.Equal(1, options.Broker.Retry!.MaxRetries);
        Assert.Equal(600, options.Broker.RateLimit!.RequestsPerMinute);
        Assert.Equal(0, options.BrokerFor!["qwen3@gpu-farm"].Retry!.MaxRetries);
        Assert.Equal(3m, result.Summary.Totals.Cost);
        Assert.True(options.TraceContent);
    }

    [Theory]
    [InlineData("BatchFactory:Providers:farm:Kind", "vllm", "BatchFactory:Providers:farm:Kind is 'vllm', which is not a known kind")]
    [InlineData("BatchFactory:Providers:farm:Kindd", "openai", "BatchFactory:Providers:farm: ")]
    [InlineData("BatchFactory:Providers:farm:BaseUrl", "gpu1:8000", "BatchFactory:Providers:farm:BaseUrl is 'gpu1:8000', which is not an absolute http(s) URL")]
    [InlineData("BatchFactory:Strategies:writer:Fallback:0", "qwen3", "BatchFactory:Strategies:writer:Fallback lists 1 model(s)")]
    [InlineData("BatchFactory:Broker:Retry:MaxRetries", "many", "BatchFactory:Broker:Retry:MaxRetries is 'many'; it must be a whole number.")]
    [InlineData("BatchFactory:Broker:Retry:MaxRetries", "-1", "BatchFactory:Broker:Retry:MaxRetries is -1; it must be 0 (no retries) or more.")]
    [InlineData("BatchFactory:BrokerFor:qwen3@farm:RateLimit:MaxConcurrency", "0", "BatchFactory:BrokerFor:qwen3@farm:RateLimit:MaxConcurrency is 0; it must be 1 or more (int.MaxValue for no limit).")]
    [InlineData("BatchFactory:Broker:CircuitBreaker:FailureRatio", "1.5", "BatchFactory:Broker:CircuitBreaker:FailureRatio is 1.5; it must be more than 0 and at most 1 (1 turns the rule off).")]
    [InlineData("BatchFactory:BrokerFor:qwen3:Retry:MaxRetries", "1", "BatchFactory:BrokerFor:qwen3: 'qwen3' is not model@provider")]
    [InlineData("BatchFactory:Batch:MaxRequestsPerBatch", "0", "BatchFactory:Batch:MaxRequestsPerBatch is 0; it must be 1 to 100000.")]
    [InlineData("BatchFactory:Batch:FlushAfter", "soon", "BatchFactory:Batch:FlushAfter is 'soon'; it must be a time span (e.g. 00:00:10).")]
    [InlineData("BatchFactory:Batch:FlushEvery", "00:01:00", "BatchFactory:Batch: ")]
    [InlineData("BatchFactory:BatchFor:gpt-4o-mini@openai:FlushAfter", "00:00:00", "BatchFactory:BatchFor:gpt-4o-mini@openai:FlushAfter is 00:00:00; it must be more than zero.")]
    [InlineData("BatchFactory:BatchFor:gpt-4o-mini@openai:MaxEnqueuedTokens", "0", "BatchFactory:BatchFor:gpt-4o-mini@openai:MaxEnqueuedTokens is 0; it must be at least 1, or null.")]
    [InlineData("BatchFactory:BatchFor:gpt-4o-mini:LiveBelow", "5", "BatchFactory:BatchFor:gpt-4o-mini: 'gpt-4o-mini' is not model@provider; BatchFor is keyed by")]
    [InlineData("BatchFactory:Prices:qwen3:Input", "cheap", "BatchFactory:Prices:qwen3:Input is 'cheap'")]
    [InlineData("BatchFactory:Prices:qwen3:Outptu", "1", "BatchFactory:Prices:qwen3:Outptu is not a price setting; give Input, Output, BatchInput, BatchOutput")]
    [InlineData("BatchFactory:Provider:farm:Kind", "openai", "BatchFactory:Provider is not a BatchFactory setting")]
    [InlineData("BatchFactory:TraceContent", "yes", "BatchFactory:TraceContent is 'yes'; give true or false.")]
    [InlineData("BatchFactory:Providers:farm:CheckModels", "maybe", "BatchFactory:Providers:farm:CheckModels is 'maybe'")]
    [InlineData("BatchFactory:TraceContent:Enabled", "true", "BatchFactory:TraceContent has settings under it; give true or false.")]
    public void ReadRunOptions_BadSetting_ThrowsNamingItsPath(string key, string value, string expected)
    {
        var settings = new Dictionary<string, string?> { [key] = value };
        if (key.StartsWith("BatchFactory:Providers:farm:", StringComparison.Ordinal) && !key.EndsWith(":Kind", StringComparison.Ordinal))
        {
            settings["BatchFactory:Providers:farm:Kind"] = "openai-compatible";
        }

        var error = Assert.Throws<ModelConfigurationException>(() => BatchFactoryConfiguration.ReadRunOptions(Configuration(settings)));

        Assert.StartsWith(expected, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("(Parameter", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Actual value", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadRunOptions_BatchAndBatchFor_AreTheRunsBatchOptions()
    {
        var options = BatchFactoryConfiguration.ReadRunOptions(Configuration(new()
        {
            ["BatchFactory:Batch:MaxRequestsPerBatch"] = "500",
            ["BatchFactory:Batch:FlushAfter"] = "00:02:00",
            ["BatchFactory:Batch:MaxEnqueuedTokens"] = "2000000",
            ["BatchFactory:Batch:WaitForResults"] = "false",
            ["BatchFactory:Batch:Deadline"] = "2030-01-02T03:04:05Z",
            ["BatchFactory:BatchFor:gpt-4o-mini@openai:MaxRequestsPerBatch"] = "10",
            ["BatchFactory:BatchFor:gpt-4o-mini@openai:LiveBelow"] = "0",
        }));

        var batches = BatchFactory.Engine.RunContext.BatchSetup(options);
        var all = batches.For(new ModelSpec("qwen3", "offline"));
        var mini = batches.For(new ModelSpec("gpt-4o-mini", "openai"));
        Assert.Equal((500, TimeSpan.FromMinutes(2), 2_000_000L, false), (all.MaxRequestsPerBatch, all.FlushAfter, all.MaxEnqueuedTokens, all.WaitForResults));
        Assert.Equal(new DateTimeOffset(2030, 1, 2, 3, 4, 5, TimeSpan.Zero), all.Deadline);
        Assert.Equal((10, 0, TimeSpan.FromMinutes(1)), (mini.MaxRequestsPerBatch, mini.LiveBelow, mini.FlushAfter));
        Assert.Equal(100_000, BatchFactoryConfiguration.ReadRunOptions(Configuration([])).Batch.MaxRequestsPerBatch);
    }

    [Fact]
    public void ReadRunOptions_UpperCaseEnvironmentVariables_DeclareStrategiesProjectAndPerModelSettings()
    {
        var prefix = $"BFTEST_{Guid.NewGuid():N}_";
        var variables = new Dictionary<string, string>
        {
            ["BATCHFACTORY__STRATEGIES__WRITER__FALLBACK__0"] = "qwen3@offline",
            ["BATCHFACTORY__STRATEGIES__WRITER__FALLBACK__1"] = "llama@offline",
            ["BATCHFACTORY__STRATEGIES__WRITER__MAXWAIT"] = "00:00:07",
            ["BATCHFACTORY__PROJECT__NAME"] = "poems",
            ["BATCHFACTORY__PROJECT__VERSION"] = "2",
            ["BATCHFACTORY__PROJECT__DATADIRECTORY"] = "/srv/batchfactory",
            ["BATCHFACTORY__BROKERFOR__QWEN3@OFFLINE__RETRY__MAXRETRIES"] = "2",
            ["BATCHFACTORY__BATCHFOR__QWEN3@OFFLINE__MAXREQUESTSPERBATCH"] = "10",
        };
        RunOptions options;
        (string, string, string)? project;
        try
        {
            foreach (var (name, value) in variables)
            {
                Environment.SetEnvironmentVariable(prefix + name, value);
            }

            var configuration = new ConfigurationBuilder().AddEnvironmentVariables(prefix).Build();
            options = BatchFactoryConfiguration.ReadRunOptions(configuration);
            project = BatchFactoryConfiguration.ReadProject(configuration);
        }
        finally
        {
            foreach (var name in variables.Keys)
            {
                Environment.SetEnvironmentVariable(prefix + name, null);
            }
        }

        var chain = options.Models.ChainOf(new ModelSpec("writer", "fallback"))!;
        Assert.Equal(["qwen3@offline", "llama@offline"], chain.Members.Select(m => m.ToString()));
        Assert.Equal(TimeSpan.FromSeconds(7), chain.MaxWait);
        Assert.Equal(("poems", "2", "/srv/batchfactory"), project);
        Assert.Equal(2, BatchFactory.Engine.RunContext.BrokerSetup(options).For(new ModelSpec("qwen3", "offline")).Retry!.MaxRetries);
        Assert.Equal(10, BatchFactory.Engine.RunContext.BatchSetup(options).For(new ModelSpec("qwen3", "offline")).MaxRequestsPerBatch);
    }

    [Fact]
    public void ReadRunOptions_LowerCaseKeys_AreReadAsTheirSettings()
    {
        var configuration = Configuration(new()
        {
            ["batchfactory:strategies:writer:fallback:0"] = "qwen3@offline",
            ["batchfactory:strategies:writer:fallback:1"] = "llama@offline",
            ["batchfactory:strategies:writer:maxwait"] = "00:00:03",
            ["batchfactory:project:name"] = "poems",
            ["batchfactory:project:datadirectory"] = "/srv/data",
            ["batchfactory:batch:flushafter"] = "00:00:30",
        });

        var options = BatchFactoryConfiguration.ReadRunOptions(configuration);

        Assert.Equal(TimeSpan.FromSeconds(3), options.Models.ChainOf(new ModelSpec("writer", "fallback"))!.MaxWait);
        Assert.Equal(("poems", "1", "/srv/data"), BatchFactoryConfiguration.ReadProject(configuration));
        Assert.Equal(TimeSpan.FromSeconds(30), options.Batch.FlushAfter);
        var error = Assert.Throws<ModelConfigurationException>(() => BatchFactoryConfiguration.ReadProject(Configuration(new() { ["batchfactory:project:folder"] = "x" })));
        Assert.StartsWith("BatchFactory:Project:folder is not a project setting", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadRunOptions_BatchPrices_PriceBatchAnswersAtThem_AndDefaultToHalfTheLivePrice()
    {
        var prices = BatchFactoryConfiguration.ReadRunOptions(Configuration(new()
        {
            ["BatchFactory:Prices:qwen3:Input"] = "2",
            ["BatchFactory:Prices:qwen3:Output"] = "8",
            ["BatchFactory:Prices:qwen3:BatchInput"] = "1.5",
            ["BatchFactory:Prices:qwen3:BatchOutput"] = "6",
            ["BatchFactory:Prices:llama:Input"] = "2",
            ["BatchFactory:Prices:llama:Output"] = "8",
        })).Prices;

        Assert.Equal((10m, 7.5m), (prices.Cost("qwen3", 1_000_000, 1_000_000), prices.BatchCost("qwen3", 1_000_000, 1_000_000)));
        Assert.Equal((10m, 5m), (prices.Cost("llama", 1_000_000, 1_000_000), prices.BatchCost("llama", 1_000_000, 1_000_000)));
        var error = Assert.Throws<ModelConfigurationException>(() => BatchFactoryConfiguration.ReadRunOptions(Configuration(new()
        {
            ["BatchFactory:Prices:qwen3:Input"] = "2",
            ["BatchFactory:Prices:qwen3:Output"] = "8",
            ["BatchFactory:Prices:qwen3:BatchOutput"] = "-1",
        })));
        Assert.StartsWith("BatchFactory:Prices:qwen3:BatchOutput is '-1'; give US dollars per million output tokens in a batch", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadRunOptions_UnknownKeyOfAProvider_NamesTheKey()
    {
        var error = Assert.Throws<ModelConfigurationException>(() => BatchFactoryConfiguration.ReadRunOptions(Configuration(new()
        {
            ["BatchFactory:Providers:farm:Kind"] = "openai-compatible",
            ["BatchFactory:Providers:farm:BaseUrl"] = "http://gpu1:8000/v1",
            ["BatchFactory:Providers:farm:ApiKey"] = "sk-do-not-put-keys-here",
        })));

        Assert.Contains("ApiKey", error.Message);
        Assert.DoesNotContain("sk-do-not-put-keys-here", error.Message);
    }

    [Fact]
    public async Task ReadRunOptions_ProviderLimitsAndPrices_PriceAndPaceItsModels()
    {
        await using var server = await OpenAICompatibleServer.StartAsync(cancellationToken: TestRuns.Token);
        var options = BatchFactoryConfiguration.ReadRunOptions(Configuration(new()
        {
            ["BatchFactory:Providers:farm:Kind"] = "openai-compatible",
            ["BatchFactory:Providers:farm:BaseUrl"] = server.BaseUri.ToString(),
            ["BatchFactory:Providers:farm:Limits:RequestsPerMinute"] = "120",
            ["BatchFactory:Providers:farm:Limits:MaxConcurrency"] = "4",
            ["BatchFactory:Providers:farm:Prices:qwen3:Input"] = "1000000",
            ["BatchFactory:Providers:farm:Prices:qwen3:Output"] = "0",
        }));

        var result = await (FromList(new[] { "sea" }, outputKey: "topic") | AskLLM("Poem about {topic}", "qwen3@farm", "poem") | ToList("poem"))
            .RunCheckedAsync(options, TestRuns.Token);

        Assert.Equal(3m, result.Summary.Totals.Cost);
        var limits = BatchFactory.Engine.RunContext.BrokerSetup(options).For(new ModelSpec("qwen3", "farm")).RateLimit!;
        Assert.Equal((120, 4), (limits.RequestsPerMinute, limits.MaxConcurrency));
    }

    [Theory]
    [InlineData("Limits:TokensPerMinute", "0", "farm:Limits:TokensPerMinute is 0; it must be 1 or more")]
    [InlineData("Limits:RequestPerMinute", "5", "'RequestPerMinute'")]
    [InlineData("Prices:qwen3:Input", "cheap", "farm:Prices:qwen3:Input is 'cheap'; it must be a number.")]
    [InlineData("Prices:qwen3:Input", "-1", "farm:Prices:qwen3:Input is -1")]
    [InlineData("Prices:qwen3:Output", "1", "farm:Prices:qwen3:Input is not set")]
    public void ReadRunOptions_BadProviderLimitOrPrice_ThrowsNamingItsPath(string key, string value, string expected)
    {
        var error = Assert.Throws<ModelConfigurationException>(() => BatchFactoryConfiguration.ReadRunOptions(Configuration(new()
        {
            ["BatchFactory:Providers:farm:Kind"] = "ollama",
            [$"BatchFactory:Providers:farm:{key}"] = value,
        })));

        Assert.StartsWith("BatchFactory:Providers:farm:", error.Message, StringComparison.Ordinal);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddBatchFactory_RegistersRunDefaultsFromTheContainer_AndFailsAtStartOnABadSetting()
    {
        var services = new ServiceCollection().AddSingleton<Microsoft.Extensions.Logging.ILoggerFactory>(NullLoggerFactory.Instance);
        var clock = new ManualTimeProvider();
        services.AddSingleton<TimeProvider>(clock);

        services.AddBatchFactory(Configuration(new()
        {
            ["BatchFactory:Providers:local:Kind"] = "ollama",
            ["BatchFactory:Batch:FlushAfter"] = "00:03:00",
            ["BatchFactory:BatchFor:llama3.2@local:LiveBelow"] = "7",
        }));
        using var provider = services.BuildServiceProvider();
        var options = provider.GetRequiredService<RunOptions>();

        Assert.Same(clock, options.TimeProvider);
        Assert.Same(NullLoggerFactory.Instance, options.LoggerFactory);
        Assert.Same(provider.GetRequiredService<ModelProviders>(), options.Models);
        Assert.Equal("local", options.Models.Resolve(new ModelSpec("llama3.2", "local")).Name);
        Assert.Equal((TimeSpan.FromMinutes(3), 7), (options.Batch.FlushAfter, options.BatchFor!["llama3.2@local"].LiveBelow));
        var error = Assert.Throws<ModelConfigurationException>(() => new ServiceCollection().AddBatchFactory(Configuration(new() { ["BatchFactory:Providers:local:Kind"] = "llama" })));
        Assert.StartsWith("BatchFactory:Providers:local:Kind is 'llama'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadRunOptions_KeyPastedAsApiKeyVariable_IsRefusedNamingThePathButNotTheValue()
    {
        const string Pasted = "sk-proj-PastedIntoConfiguration0123";

        var error = Assert.Throws<ModelConfigurationException>(() => BatchFactoryConfiguration.ReadRunOptions(Configuration(new()
        {
            ["BatchFactory:Providers:local:Kind"] = "ollama",
            ["BatchFactory:Providers:local:ApiKeyVariable"] = Pasted,
        })));

        Assert.Equal("BatchFactory:Providers:local:ApiKeyVariable must name an environment variable (letters, digits and _), not hold the key itself.", error.Message);
        Assert.DoesNotContain(Pasted, error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadRunOptions_CheckModelsFalse_RunsAModelTheServersListLacksWithoutAskingForTheList()
    {
        await using var server = await OpenAICompatibleServer.StartAsync(new TestServerOptions { Models = ["my-model.gguf"] }, TestRuns.Token);
        var options = BatchFactoryConfiguration.ReadRunOptions(Configuration(new()
        {
            ["BatchFactory:Providers:cpp:Kind"] = "openai-compatible",
            ["BatchFactory:Providers:cpp:BaseUrl"] = server.BaseUri.ToString(),
            ["BatchFactory:Providers:cpp:CheckModels"] = "false",
        }));

        var result = await (FromList(new[] { "sea" }, outputKey: "topic") | AskLLM("Poem about {topic}", "qwen3@cpp", "poem") | ToList("poem"))
            .RunCheckedAsync(options, TestRuns.Token);

        Assert.Equal(["Echo[qwen3]: Poem about sea"], result.Values<string>());
        Assert.Equal(0, server.ModelListRequests);
    }

    private static IConfiguration Configuration(Dictionary<string, string?> settings) => new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
}
