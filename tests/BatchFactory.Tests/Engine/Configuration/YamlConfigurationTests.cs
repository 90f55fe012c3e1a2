using BatchFactory.Testing;
using BatchFactory.Tests.Support;
using Microsoft.Extensions.Configuration;
using static BatchFactory.Ops;

namespace BatchFactory.Tests.Engine.Configuration;

/// <summary>The <c>BatchFactory</c> section written in YAML, read through a YAML configuration provider (NetEscapades.Configuration.Yaml).</summary>
public sealed class YamlConfigurationTests : IAsyncLifetime
{
    private readonly TempFolder _files = new();
    private OpenAICompatibleServer _server = null!;

    public async ValueTask InitializeAsync() => _server = await OpenAICompatibleServer.StartAsync(cancellationToken: TestRuns.Token);

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        _files.Dispose();
    }

    [Fact]
    public async Task AddYamlFile_SameSettingsAsAppsettingsJson_GiveTheSameRun()
    {
        var url = _server.BaseUri.ToString();
        var json = Load("appsettings.json", $$"""
            {
              "BatchFactory": {
                "Providers": {
                  "farm": { "Kind": "openai-compatible", "BaseUrls": [ "{{url}}", "{{url}}" ],
                            "Limits": { "RequestsPerMinute": 120, "MaxConcurrency": 4 },
                            "Prices": { "qwen3": { "Input": 1000000, "Output": 0 } } }
                },
                "Strategies": { "writer": { "Fallback": [ "qwen3@farm", "qwen3@offline" ], "MaxWait": "00:00:10" } },
                "Broker": { "Retry": { "MaxRetries": 1 } },
                "BrokerFor": { "qwen3@offline": { "RateLimit": { "TokensPerMinute": 200000 } } },
                "Prices": { "gpt-4o-mini": { "Input": 0.15, "Output": 0.60 } },
                "TraceContent": true
              }
            }
            """);
        var yaml = Load("batchfactory.yaml", $$"""
            BatchFactory:
              Providers:
                farm:
                  Kind: openai-compatible
                  BaseUrls:
                    - {{url}}
                    - {{url}}
                  Limits:
                    RequestsPerMinute: 120
                    MaxConcurrency: 4
                  Prices:
                    qwen3: { Input: 1000000, Output: 0 }
              Strategies:
                writer:
                  Fallback: [ qwen3@farm, qwen3@offline ]
                  MaxWait: 00:00:10
              Broker:
                Retry:
                  MaxRetries: 1
              BrokerFor:
                qwen3@offline:
                  RateLimit:
                    TokensPerMinute: 200000
              Prices:
                gpt-4o-mini:
                  Input: 0.15
                  Output: 0.60
              TraceContent: true
            """);

        Assert.Equal(Flat(json), Flat(yaml));
        var fromJson = BatchFactoryConfiguration.ReadRunOptions(json);
        var fromYaml = BatchFactoryConfiguration.ReadRunOptions(yaml);
        var jsonRun = await Poem().RunCheckedAsync(fromJson, TestRuns.Token);
        var yamlRun = await Poem().RunCheckedAsync(fromYaml, TestRuns.Token);

        Assert.Equal(["Echo[qwen3]: Poem about sea"], yamlRun.Values<string>());
        Assert.Equal(jsonRun.Values<string>(), yamlRun.Values<string>());
        Assert.Equal((3m, 3m), (jsonRun.Summary.Totals.Cost, yamlRun.Summary.Totals.Cost));
        Assert.Equal(2, _server.ChatRequests);
        var limits = BatchFactory.Engine.RunContext.BrokerSetup(fromYaml).For(new ModelSpec("qwen3", "farm")).RateLimit!;
        Assert.Equal((120, 4), (limits.RequestsPerMinute, limits.MaxConcurrency));
        Assert.Equal(200_000, fromYaml.BrokerFor!["qwen3@offline"].RateLimit!.TokensPerMinute);
        Assert.Equal(1, fromYaml.Broker.Retry!.MaxRetries);
        Assert.True(fromYaml.TraceContent);
    }

    [Fact]
    public void AddYamlFile_BadSetting_ThrowsNamingItsPath()
    {
        var yaml = Load("batchfactory.yaml", """
            BatchFactory:
              Providers:
                farm:
                  Kind: openai-compatible
                  BaseUrl: gpu1:8000
            """);

        var error = Assert.Throws<ModelConfigurationException>(() => BatchFactoryConfiguration.ReadRunOptions(yaml));

        Assert.StartsWith("BatchFactory:Providers:farm:BaseUrl is 'gpu1:8000', which is not an absolute http(s) URL", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddYamlFile_LowerCaseKeys_AreReadAsTheirSettings()
    {
        var yaml = Load("batchfactory.yaml", """
            batchfactory:
              strategies:
                writer:
                  fallback: [ qwen3@offline, llama@offline ]
                  maxwait: 00:00:04
              project: { name: poems, version: 3, datadirectory: /srv/data }
              broker: { retry: { maxretries: 2 } }
              batch: { maxrequestsperbatch: 20 }
              batchfor:
                qwen3@offline: { liveBelow: 0 }
            """);

        var options = BatchFactoryConfiguration.ReadRunOptions(yaml);

        var chain = options.Models.ChainOf(new ModelSpec("writer", "fallback"))!;
        Assert.Equal(["qwen3@offline", "llama@offline"], chain.Members.Select(m => m.ToString()));
        Assert.Equal(TimeSpan.FromSeconds(4), chain.MaxWait);
        Assert.Equal(("poems", "3", "/srv/data"), BatchFactoryConfiguration.ReadProject(yaml));
        Assert.Equal(2, options.Broker.Retry!.MaxRetries);
        Assert.Equal((20, 0), (options.Batch.MaxRequestsPerBatch, options.BatchFor!["qwen3@offline"].LiveBelow));
    }

    [Fact]
    public void AddYamlFile_BadBatchSetting_ThrowsNamingItsPath()
    {
        var yaml = Load("batchfactory.yaml", """
            BatchFactory:
              BatchFor:
                gpt-4o-mini@openai:
                  FirstPollInterval: 00:00:10
                  MaxPollInterval: 00:00:05
            """);

        var error = Assert.Throws<ModelConfigurationException>(() => BatchFactoryConfiguration.ReadRunOptions(yaml));

        Assert.Equal("BatchFactory:BatchFor:gpt-4o-mini@openai:MaxPollInterval is 00:00:05; it must be at least FirstPollInterval.", error.Message);
    }

    private static Graph Poem() =>
        FromList(new[] { "sea" }, outputKey: "topic") | AskLLM("Poem about {topic}", "writer@fallback", "poem") | ToList("poem");

    // Every setting as configuration sees it, path and value, case-insensitive as the binder reads them (JSON's true is "True").
    private static List<string> Flat(IConfiguration configuration) =>
        [.. configuration.AsEnumerable().Where(p => p.Value is not null).Select(p => $"{p.Key}={p.Value}".ToUpperInvariant()).Order(StringComparer.Ordinal)];

    private IConfiguration Load(string file, string text)
    {
        File.WriteAllText(_files[file], text);
        var builder = new ConfigurationBuilder().SetBasePath(_files.Path);
        return (file.EndsWith(".json", StringComparison.Ordinal) ? builder.AddJsonFile(file) : builder.AddYamlFile(file)).Build();
    }
}
